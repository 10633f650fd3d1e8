package io.portcullis.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import io.portcullis.auth.TokenIssuer;
import io.portcullis.config.AuthConfig;
import io.portcullis.config.Secret;
import io.portcullis.jwt.Verification.Failure;
import io.portcullis.testsupport.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenVerifierTest {
    private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
    static final String CONSUMER_SECRET = "consumer-secret-that-is-at-least-32-bytes!";
    private static final SigningKey RSA_KEY = SigningKeys.generate(AuthConfig.Algorithm.RS256, "k1");

    private final MutableClock clock = new MutableClock(START);
    private final AuthConfig config = config(AuthConfig.Algorithm.RS256);
    private final SigningKeys keys = new SigningKeys(List.of(RSA_KEY));
    private final TokenVerifier verifier = new TokenVerifier(config, keys, clock);
    private final TokenIssuer issuer = new TokenIssuer(keys, config, clock);

    static AuthConfig config(AuthConfig.Algorithm algorithm) {
        return new AuthConfig(
                "/auth",
                "https://gw.example",
                "api",
                algorithm,
                List.of(),
                Duration.ofMinutes(15),
                Duration.ofDays(7),
                Duration.ofHours(24),
                Duration.ofSeconds(15),
                Duration.ofSeconds(30),
                new AuthConfig.TokenCacheConfig(1000, false),
                AuthConfig.UserSource.MEMORY,
                true,
                List.of(),
                List.of(new AuthConfig.ConsumerConfig(
                        "partner", AuthConfig.Algorithm.HS256, Secret.of(CONSUMER_SECRET))));
    }

    private String issued() {
        return issuer.issue("user-1", "session-1", List.of("admin"), List.of("orders", "cart"))
                .token();
    }

    private com.auth0.jwt.JWTCreator.Builder valid() {
        return JWT.create()
                .withHeader(Map.of("typ", "at+jwt"))
                .withKeyId("k1")
                .withIssuer("https://gw.example")
                .withSubject("user-1")
                .withAudience("api")
                .withIssuedAt(START)
                .withExpiresAt(START.plusSeconds(900))
                .withJWTId("jti-1")
                .withClaim("sid", "s1")
                .withClaim("typ", "access");
    }

    private Verification.Rejected rejected(String token) {
        return assertInstanceOf(Verification.Rejected.class, verifier.verify(token));
    }

    @Test
    void verifyWhenIssuedByGatewayThenAcceptedWithClaims() {
        VerifiedToken token = assertInstanceOf(Verification.Verified.class, verifier.verify(issued()))
                .token();
        assertEquals("user-1", token.subject());
        assertEquals(Optional.of("session-1"), token.sessionId());
        assertEquals(List.of("orders", "cart"), token.scopes());
        assertEquals(List.of("admin"), token.roles());
        assertEquals(START.plus(Duration.ofMinutes(15)), token.expiresAt());
        assertTrue(token.jti().isPresent());
    }

    @ParameterizedTest
    @EnumSource(AuthConfig.Algorithm.class)
    void verifyWhenEachAlgorithmThenRoundTrips(AuthConfig.Algorithm algorithm) {
        AuthConfig cfg = config(algorithm);
        SigningKeys ring = new SigningKeys(List.of(SigningKeys.generate(algorithm, "k")));
        String token = new TokenIssuer(ring, cfg, clock)
                .issue("u", "s", List.of(), List.of())
                .token();
        assertInstanceOf(Verification.Verified.class, new TokenVerifier(cfg, ring, clock).verify(token));
    }

    /** Found by TokenVerifierPropertiesTest: JSON null as header or claims set made verification throw. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "bnVsbA.bnVsbA.c2ln",
                "eyJhbGciOiJIUzI1NiIsImtpZCI6ImsxIn0.bnVsbA.c2ln",
                "bnVsbA.e30.c2ln",
                "MQ.e30.c2ln",
                "IiI.e30.c2ln",
                "W10.e30.c2ln",
                "IA.e30.c2ln"
            })
    void verifyWhenHeaderOrClaimsNotAJsonObjectThenMalformed(String token) {
        assertEquals(Failure.MALFORMED, rejected(token).failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "None", "NONE", "nOnE"})
    void verifyWhenAlgNoneInAnyCasingThenInvalid(String alg) {
        String header = b64("{\"alg\":\"" + alg + "\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}");
        String body = b64("{\"iss\":\"https://gw.example\",\"sub\":\"x\",\"aud\":\"api\",\"exp\":9999999999}");
        assertEquals(Failure.INVALID, rejected(header + "." + body + ".c2ln").failure());
        assertEquals(Failure.MALFORMED, rejected(header + "." + body + ".").failure());
    }

    /**
     * Duplicate JSON members: a partner signs, with its own secret, a header and payload that name an algorithm
     * or issuer twice, hoping one reader takes the first and another the last. Every step reads the last.
     */
    @Test
    void verifyWhenHeaderOrPayloadNamesAMemberTwiceThenNoReadingGrantsMore() {
        Algorithm partner = Algorithm.HMAC256(CONSUMER_SECRET);
        long exp = START.plusSeconds(60).getEpochSecond();
        String[][] cases = {
            {
                "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}",
                "{\"iss\":\"partner\",\"iss\":\"https://gw.example\",\"sub\":\"admin\",\"aud\":\"api\","
                        + "\"jti\":\"j\",\"typ\":\"access\",\"iat\":" + START.getEpochSecond() + ",\"exp\":" + exp + "}"
            },
            {
                "{\"alg\":\"HS256\",\"alg\":\"none\"}",
                "{\"iss\":\"partner\",\"iat\":" + START.getEpochSecond() + ",\"exp\":" + exp + "}"
            },
            {
                "{\"alg\":\"HS256\"}",
                "{\"iss\":\"partner\",\"iat\":" + START.getEpochSecond() + ",\"exp\":" + exp + ",\"exp\":9999999999}"
            },
        };
        for (String[] parts : cases) {
            String signingInput = b64(parts[0]) + "." + b64(parts[1]);
            String signature = java.util.Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(partner.sign(
                            b64(parts[0]).getBytes(StandardCharsets.US_ASCII),
                            b64(parts[1]).getBytes(StandardCharsets.US_ASCII)));
            assertInstanceOf(Verification.Rejected.class, verifier.verify(signingInput + "." + signature), parts[1]);
        }
    }

    @Test
    void verifyWhenHs256SignedWithRsaPublicKeyThenInvalid() {
        // The classic confusion attack: the RSA public key used as an HMAC secret.
        byte[] publicKey = keyBytes();
        String forged =
                valid().withHeader(Map.of("typ", "at+jwt", "alg", "HS256")).sign(Algorithm.HMAC256(publicKey));
        assertEquals(Failure.INVALID, rejected(forged).failure());
    }

    private static byte[] keyBytes() {
        String n = (String) RSA_KEY.publicJwk().orElseThrow().get("n");
        return n.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void verifyWhenPayloadTamperedThenInvalidSignature() {
        String[] parts = issued().split("\\.");
        String tampered = parts[0] + "."
                + b64("{\"iss\":\"https://gw.example\",\"sub\":\"admin\",\"aud\":\"api\","
                        + "\"exp\":9999999999,\"jti\":\"j\",\"typ\":\"access\"}")
                + "." + parts[2];
        Verification.Rejected rejection = rejected(tampered);
        assertEquals(Failure.INVALID, rejection.failure());
        assertEquals("The token's signature is invalid.", rejection.description());
    }

    @Test
    void verifyWhenSignatureStrippedThenMalformed() {
        String token = issued();
        assertEquals(
                Failure.MALFORMED,
                rejected(token.substring(0, token.lastIndexOf('.') + 1)).failure());
    }

    @Test
    void verifyWhenExpiredBeyondLeewayThenExpired() {
        String token = issued();
        clock.advance(Duration.ofMinutes(15).plusSeconds(14));
        assertInstanceOf(Verification.Verified.class, verifier.verify(token));
        clock.advance(Duration.ofSeconds(2));
        assertEquals(Failure.EXPIRED, rejected(token).failure());
    }

    /** Found by TokenVerifierPropertiesTest: "sub": 0 was accepted as the user "0". */
    @Test
    void verifyWhenSubjectNotAStringThenInvalid() {
        for (Object subject : List.of(0, false, List.of("user-1"), Map.of("id", "user-1"))) {
            Map<String, Object> claims = new java.util.HashMap<>();
            claims.put("sub", subject);
            String token = valid().withPayload(claims).sign(RSA_KEY.jwtAlgorithm());
            Verification.Rejected rejection = rejected(token);
            assertEquals(Failure.INVALID, rejection.failure(), subject::toString);
            assertEquals("The token's 'sub' claim is not a non-empty string.", rejection.description());
        }
    }

    /** Found by TokenVerifierPropertiesTest: "jti": null passed the presence check, leaving nothing to revoke. */
    @Test
    void verifyWhenOwnTokenJtiNotAStringThenInvalid() {
        for (Object jti : java.util.Arrays.asList(null, 7, "")) {
            Map<String, Object> claims = new java.util.HashMap<>();
            claims.put("jti", jti);
            String token = valid().withPayload(claims).sign(RSA_KEY.jwtAlgorithm());
            Verification.Rejected rejection = rejected(token);
            assertEquals(Failure.INVALID, rejection.failure(), String.valueOf(jti));
            assertEquals("The token's 'jti' claim is not a non-empty string.", rejection.description());
        }
    }

    /** Found by TokenVerifierPropertiesTest: "roles": [null] made verification throw (a 500 in the JWT stage). */
    @Test
    void verifyWhenRoleOrScopeArrayHoldsNonStringsThenOnlyTheStringsCount() {
        Map<String, Object> claims = new java.util.HashMap<>();
        claims.put("roles", java.util.Arrays.asList(null, 1, true, "admin"));
        claims.put("scp", java.util.Arrays.asList("orders", null, 2));
        String token = valid().withPayload(claims).sign(RSA_KEY.jwtAlgorithm());
        VerifiedToken verified = assertInstanceOf(Verification.Verified.class, verifier.verify(token))
                .token();
        assertEquals(List.of("admin"), verified.roles());
        assertEquals(List.of("orders"), verified.scopes());
    }

    @Test
    void verifyWhenNotBeforeInFutureThenInvalid() {
        String token = valid().withNotBefore(START.plusSeconds(120)).sign(RSA_KEY.jwtAlgorithm());
        assertEquals("The token is not valid yet.", rejected(token).description());
    }

    @Test
    void verifyWhenIssuedInFutureThenInvalid() {
        String token = valid().withIssuedAt(START.plusSeconds(600)).sign(RSA_KEY.jwtAlgorithm());
        assertEquals(Failure.INVALID, rejected(token).failure());
    }

    @Test
    void verifyWhenWrongAudienceThenInvalid() {
        assertEquals(
                Failure.INVALID,
                rejected(valid().withAudience("other").sign(RSA_KEY.jwtAlgorithm()))
                        .failure());
    }

    @Test
    void verifyWhenUnknownIssuerThenInvalid() {
        assertEquals(
                Failure.INVALID,
                rejected(valid().withIssuer("https://evil").sign(RSA_KEY.jwtAlgorithm()))
                        .failure());
    }

    @Test
    void verifyWhenExpMissingThenInvalid() {
        String token = JWT.create()
                .withHeader(Map.of("typ", "at+jwt"))
                .withKeyId("k1")
                .withIssuer("https://gw.example")
                .withSubject("u")
                .withAudience("api")
                .withJWTId("j")
                .withClaim("typ", "access")
                .sign(RSA_KEY.jwtAlgorithm());
        assertEquals("The token lacks the 'exp' claim.", rejected(token).description());
    }

    @Test
    void verifyWhenRefreshTypeThenInvalid() {
        assertEquals(
                Failure.INVALID,
                rejected(valid().withClaim("typ", "refresh").sign(RSA_KEY.jwtAlgorithm()))
                        .failure());
        assertEquals(
                Failure.INVALID,
                rejected(valid().withHeader(Map.of("typ", "JWT")).sign(RSA_KEY.jwtAlgorithm()))
                        .failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"k2", "../../../../etc/passwd", "k1/../k1", "http://evil/key", ""})
    void verifyWhenKidUnknownOrPathLikeThenInvalid(String kid) {
        assertEquals(
                Failure.INVALID,
                rejected(valid().withKeyId(kid).sign(RSA_KEY.jwtAlgorithm())).failure());
    }

    @ParameterizedTest
    @ValueSource(strings = {"jku", "x5u", "jwk", "x5c", "crit"})
    void verifyWhenKeyLocationHeaderThenInvalid(String header) {
        String token = valid().withHeader(Map.of("typ", "at+jwt", header, "https://evil.example/keys"))
                .sign(RSA_KEY.jwtAlgorithm());
        assertEquals(Failure.INVALID, rejected(token).failure());
    }

    @Test
    void verifyWhenTokenHuge64KbThenMalformedWithoutParsing() {
        assertEquals(
                Failure.MALFORMED,
                rejected("a".repeat(32 * 1024) + "." + "b".repeat(32 * 1024) + ".c")
                        .failure());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "garbage",
                "a.b.c",
                "....",
                "eyJhbGciOiJSUzI1NiJ9.%%%.sig",
                "x.y",
                "a.b.c.d",
                "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln"
            })
    void verifyWhenGarbageThenMalformed(String token) {
        assertEquals(Failure.MALFORMED, rejected(token).failure());
    }

    @Test
    void verifyWhenConsumerTokenWithRightSecretThenSubjectIsTheConsumerQualifiedByItsKey() {
        String token = consumer().withSubject("alice").sign(Algorithm.HMAC256(CONSUMER_SECRET));
        VerifiedToken verified = assertInstanceOf(Verification.Verified.class, verifier.verify(token))
                .token();
        assertEquals("partner:partner", verified.subject());
        assertEquals("partner:partner", verified.claims().get("sub"));
    }

    private static com.auth0.jwt.JWTCreator.Builder consumer() {
        return JWT.create().withIssuer("partner").withIssuedAt(START).withExpiresAt(START.plusSeconds(60));
    }

    @Test
    void verifyWhenConsumerTokenGrantsItselfRolesOrScopesThenOnlyTheConsumerEntryCounts() {
        String token = consumer()
                .withClaim("roles", List.of("admin"))
                .withClaim("scope", "admin orders")
                .withClaim("scp", List.of("admin"))
                .sign(Algorithm.HMAC256(CONSUMER_SECRET));
        VerifiedToken verified = assertInstanceOf(Verification.Verified.class, verifier.verify(token))
                .token();
        assertEquals(List.of(), verified.roles());
        assertEquals(List.of(), verified.scopes());

        TokenVerifier configured = new TokenVerifier(
                withConsumer(new AuthConfig.ConsumerConfig(
                        "partner",
                        AuthConfig.Algorithm.HS256,
                        Secret.of(CONSUMER_SECRET),
                        List.of("orders"),
                        List.of("reports"),
                        Duration.ofHours(1),
                        Optional.empty())),
                keys,
                clock);
        VerifiedToken granted = assertInstanceOf(Verification.Verified.class, configured.verify(token))
                .token();
        assertEquals(List.of("orders"), granted.roles());
        assertEquals(List.of("reports"), granted.scopes());
    }

    @Test
    void verifyWhenConsumerTokenOnlyClaimsSubjectThenOtherClaimsNotOfferedToKeyTemplates() {
        String token = consumer()
                .withClaim("tenant", "other-tenant")
                .withClaim("cart", "someone-else")
                .sign(Algorithm.HMAC256(CONSUMER_SECRET));
        VerifiedToken verified = assertInstanceOf(Verification.Verified.class, verifier.verify(token))
                .token();
        assertEquals(Map.of("sub", "partner:partner", "iss", "partner"), verified.claims());
    }

    @Test
    void verifyWhenConsumerTokenLivesLongerThanMaxLifetimeThenInvalid() {
        assertEquals(
                Failure.INVALID,
                rejected(consumer()
                                .withExpiresAt(Instant.parse("2100-01-01T00:00:00Z"))
                                .sign(Algorithm.HMAC256(CONSUMER_SECRET)))
                        .failure());
        assertEquals(
                Failure.INVALID,
                rejected(consumer()
                                .withExpiresAt(START.plus(Duration.ofHours(1)).plusSeconds(1))
                                .sign(Algorithm.HMAC256(CONSUMER_SECRET)))
                        .failure());
        assertInstanceOf(
                Verification.Verified.class,
                verifier.verify(consumer()
                        .withExpiresAt(START.plus(Duration.ofHours(1)))
                        .sign(Algorithm.HMAC256(CONSUMER_SECRET))));
        // Lifetime from nbf when there is no iat; neither → refused.
        assertInstanceOf(
                Verification.Verified.class,
                verifier.verify(JWT.create()
                        .withIssuer("partner")
                        .withNotBefore(START)
                        .withExpiresAt(START.plusSeconds(600))
                        .sign(Algorithm.HMAC256(CONSUMER_SECRET))));
        Verification.Rejected noIat = rejected(JWT.create()
                .withIssuer("partner")
                .withExpiresAt(START.plusSeconds(60))
                .sign(Algorithm.HMAC256(CONSUMER_SECRET)));
        assertEquals(Failure.INVALID, noIat.failure());
        assertTrue(noIat.description().contains("iat"), noIat.description());
    }

    @Test
    void verifyWhenConsumerTokenCarriesANonceThenStillAccepted() {
        // nonce marks an OIDC ID token only from a trusted (OIDC) issuer; a partner may use one against replay.
        assertInstanceOf(
                Verification.Verified.class,
                verifier.verify(consumer().withClaim("nonce", "n-1").sign(Algorithm.HMAC256(CONSUMER_SECRET))));
        assertEquals(
                Failure.INVALID,
                rejected(consumer().withClaim("typ", "ID").sign(Algorithm.HMAC256(CONSUMER_SECRET)))
                        .failure());
    }

    @Test
    void verifyWhenConsumerAudienceConfiguredThenTokenMustCarryIt() {
        TokenVerifier withAudience = new TokenVerifier(
                withConsumer(new AuthConfig.ConsumerConfig(
                        "partner",
                        AuthConfig.Algorithm.HS256,
                        Secret.of(CONSUMER_SECRET),
                        List.of(),
                        List.of(),
                        Duration.ofHours(1),
                        Optional.of("orders-api"))),
                keys,
                clock);
        assertInstanceOf(
                Verification.Rejected.class, withAudience.verify(consumer().sign(Algorithm.HMAC256(CONSUMER_SECRET))));
        assertInstanceOf(
                Verification.Rejected.class,
                withAudience.verify(consumer().withAudience("api").sign(Algorithm.HMAC256(CONSUMER_SECRET))));
        assertInstanceOf(
                Verification.Verified.class,
                withAudience.verify(consumer().withAudience("orders-api").sign(Algorithm.HMAC256(CONSUMER_SECRET))));
    }

    private AuthConfig withConsumer(AuthConfig.ConsumerConfig consumer) {
        AuthConfig c = config;
        return new AuthConfig(
                c.path(),
                c.issuer(),
                c.audience(),
                c.algorithm(),
                c.signingKeys(),
                c.accessTtl(),
                c.refreshTtl(),
                c.idleTimeout(),
                c.leeway(),
                c.refreshGrace(),
                c.tokenCache(),
                c.users(),
                c.registration(),
                c.trustedIssuers(),
                List.of(consumer));
    }

    @Test
    void verifyWhenOwnTokenThenSubjectStaysBare() {
        VerifiedToken verified = assertInstanceOf(Verification.Verified.class, verifier.verify(issued()))
                .token();
        assertEquals("user-1", verified.subject());
        assertEquals(Optional.of("session-1"), verified.sessionId());
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2})
    void verifyWhenASegmentIsNotCanonicalBase64UrlThenMalformed(int segment) {
        String[] parts = issued().split("\\.");
        byte[] bytes = Base64.getUrlDecoder().decode(parts[segment]);
        // The same bytes spelt with '=' padding, with altered spare bits, or in the standard alphabet.
        String padded = Base64.getUrlEncoder().encodeToString(bytes);
        List<String> spellings = new java.util.ArrayList<>();
        if (!padded.equals(parts[segment])) {
            spellings.add(padded);
        }
        String spare = alterSpareBits(parts[segment]);
        if (spare != null) {
            spellings.add(spare);
        }
        spellings.add(parts[segment] + "=");
        assertTrue(spellings.size() >= 2, "the fixture's segment " + segment + " has spare bits or padding");
        for (String spelling : spellings) {
            String[] altered = parts.clone();
            altered[segment] = spelling;
            assertEquals(Failure.MALFORMED, rejected(String.join(".", altered)).failure(), spelling);
        }
        String[] plus = parts.clone();
        plus[segment] = parts[segment].replace('-', '+').replace('_', '/');
        if (!plus[segment].equals(parts[segment])) {
            assertEquals(Failure.MALFORMED, rejected(String.join(".", plus)).failure());
        }
    }

    /** The segment with the unused low bits of its last character set, or null when it has none. */
    private static String alterSpareBits(String segment) {
        int spareBits = switch (segment.length() % 4) {
            case 2 -> 4;
            case 3 -> 2;
            default -> 0;
        };
        if (spareBits == 0) {
            return null;
        }
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int last = alphabet.indexOf(segment.charAt(segment.length() - 1));
        return segment.substring(0, segment.length() - 1) + alphabet.charAt(last ^ 1);
    }

    @Test
    void verifyWhenConsumerTokenWithWrongSecretThenInvalid() {
        String token = JWT.create()
                .withIssuer("partner")
                .withIssuedAt(START)
                .withExpiresAt(Date.from(START.plusSeconds(60)))
                .sign(Algorithm.HMAC256("another-secret-that-is-at-least-32-bytes"));
        assertEquals(Failure.INVALID, rejected(token).failure());
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
