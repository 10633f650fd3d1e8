package io.portcullis.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.config.AuthConfig;
import io.portcullis.jwt.Verification.Failure;
import io.portcullis.testsupport.MutableClock;
import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Tokens from trusted issuers: keys from a JWK Set, cached, re-fetched sparingly, kept while the provider is down. */
class TrustedIssuersTest {
    static final String ISSUER = "https://idp.example/realms/main";
    private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KeyPair RSA_PAIR = rsaPair();
    private static final SigningKey RSA = SigningKeys.fromKeyPair("rsa-1", AuthConfig.Algorithm.RS256, RSA_PAIR);
    private static final SigningKey RSA_NEXT = SigningKeys.generate(AuthConfig.Algorithm.RS256, "rsa-2");
    private static final SigningKey EC = SigningKeys.generate(AuthConfig.Algorithm.ES256, "ec-1");
    private static final SigningKey OWN = SigningKeys.generate(AuthConfig.Algorithm.HS256, "own");

    private final MutableClock clock = new MutableClock(START);
    private final AtomicInteger fetches = new AtomicInteger();
    private volatile List<SigningKey> published = List.of(RSA, EC);
    private volatile boolean providerDown;
    private final JwksSource source = uri -> {
        fetches.incrementAndGet();
        if (providerDown) {
            throw new IOException("connection refused");
        }
        return jwks(published);
    };
    private final AuthConfig config = withIssuer(TokenVerifierTest.config(AuthConfig.Algorithm.HS256));
    private final TokenVerifier verifier = new TokenVerifier(
            config, new SigningKeys(List.of(OWN)), TrustedIssuers.create(config, source, clock), clock);

    static AuthConfig withIssuer(AuthConfig c) {
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
                List.of(new AuthConfig.TrustedIssuerConfig(
                        ISSUER,
                        URI.create("https://idp.example/certs"),
                        java.util.Optional.of("api"),
                        "idp.example",
                        false)),
                c.consumers());
    }

    static String jwks(List<SigningKey> keys) throws IOException {
        List<Object> jwks = new ArrayList<>();
        keys.forEach(k -> jwks.add(k.publicJwk().orElseThrow()));
        return JSON.writeValueAsString(Map.of("keys", jwks));
    }

    private JWTCreator.Builder claims(String kid) {
        return JWT.create()
                .withKeyId(kid)
                .withIssuer(ISSUER)
                .withSubject("ext-user")
                .withAudience("api")
                .withIssuedAt(START)
                .withExpiresAt(START.plus(Duration.ofHours(2)))
                .withClaim("scope", "orders");
    }

    private Verification.Rejected rejected(String token) {
        return assertInstanceOf(Verification.Rejected.class, verifier.verify(token));
    }

    @Test
    void verifyWhenSignedWithPublishedRsaOrEcKeyThenAccepted() {
        VerifiedToken rsa = assertInstanceOf(
                        Verification.Verified.class,
                        verifier.verify(claims("rsa-1").sign(RSA.jwtAlgorithm())))
                .token();
        assertEquals("idp.example:ext-user", rsa.subject());
        assertEquals(List.of("orders"), rsa.scopes());
        assertInstanceOf(
                Verification.Verified.class, verifier.verify(claims("ec-1").sign(EC.jwtAlgorithm())));
        assertEquals(1, fetches.get(), "keys are cached after the first fetch");
    }

    private static KeyPair rsaPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void verifyWhenHs256SignedWithTheRsaPublicKeyThenInvalid() {
        byte[] der = RSA_PAIR.getPublic().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
        for (byte[] secret : List.of(der, pem.getBytes(java.nio.charset.StandardCharsets.US_ASCII))) {
            String forged = claims("rsa-1").sign(Algorithm.HMAC256(secret));
            assertEquals(Failure.INVALID, rejected(forged).failure());
        }
    }

    @Test
    void verifyWhenWrongAudienceOrRefreshTypeThenInvalid() {
        assertEquals(
                Failure.INVALID,
                rejected(claims("rsa-1").withAudience("other").sign(RSA.jwtAlgorithm()))
                        .failure());
        assertEquals(
                Failure.INVALID,
                rejected(claims("rsa-1").withClaim("typ", "Refresh").sign(RSA.jwtAlgorithm()))
                        .failure());
        assertEquals(
                Failure.INVALID,
                rejected(claims("rsa-1").withClaim("sub", (String) null).sign(RSA.jwtAlgorithm()))
                        .failure());
        assertEquals(
                Failure.INVALID,
                rejected(JWT.create()
                                .withKeyId("rsa-1")
                                .withIssuer(ISSUER)
                                .withAudience("api")
                                .withExpiresAt(START.plusSeconds(60))
                                .sign(RSA.jwtAlgorithm()))
                        .failure());
    }

    @Test
    void verifyWhenKeyRotatedThenRefetchedOnUnknownKidAtMostEvery30Seconds() {
        assertInstanceOf(
                Verification.Verified.class, verifier.verify(claims("rsa-1").sign(RSA.jwtAlgorithm())));
        published = List.of(RSA_NEXT);
        String next = claims("rsa-2").sign(RSA_NEXT.jwtAlgorithm());

        clock.advance(Duration.ofSeconds(10));
        assertEquals(Failure.INVALID, rejected(next).failure(), "too soon to fetch again");
        assertEquals(
                Failure.INVALID,
                rejected(claims("made-up").sign(RSA.jwtAlgorithm())).failure());
        assertEquals(1, fetches.get());

        clock.advance(IssuerKeys.MIN_REFETCH_INTERVAL);
        assertInstanceOf(Verification.Verified.class, verifier.verify(next));
        assertEquals(2, fetches.get());
        assertEquals(
                Failure.INVALID,
                rejected(claims("rsa-1").sign(RSA.jwtAlgorithm())).failure(),
                "rotated out");
    }

    @Test
    void verifyWhenProviderDownBeforeAnyFetchThenUnavailable() {
        providerDown = true;
        assertEquals(
                Failure.UNAVAILABLE,
                rejected(claims("rsa-1").sign(RSA.jwtAlgorithm())).failure());
    }

    @Test
    void verifyWhenProviderDownAfterAFetchThenLastGoodKeysKeptAndUnknownKidsUnavailable() {
        assertInstanceOf(
                Verification.Verified.class, verifier.verify(claims("rsa-1").sign(RSA.jwtAlgorithm())));
        providerDown = true;
        clock.advance(IssuerKeys.MAX_AGE);

        assertInstanceOf(
                Verification.Verified.class, verifier.verify(claims("rsa-1").sign(RSA.jwtAlgorithm())));
        // A stale set is refreshed in the background, not on the request that noticed it.
        awaitFetches(2);
        assertInstanceOf(
                Verification.Verified.class, verifier.verify(claims("rsa-1").sign(RSA.jwtAlgorithm())));
        assertEquals(2, fetches.get(), "a stale set is refreshed, and kept when that fails");
        clock.advance(IssuerKeys.MIN_REFETCH_INTERVAL);
        assertEquals(
                Failure.UNAVAILABLE,
                rejected(claims("rsa-2").sign(RSA_NEXT.jwtAlgorithm())).failure());
    }

    private void awaitFetches(int count) {
        long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (fetches.get() < count && System.nanoTime() < end) {
            Thread.onSpinWait();
        }
        assertEquals(count, fetches.get());
    }

    @Test
    void verifyWhenIssuerNotTrustedThenInvalidWithoutFetching() {
        String token = claims("rsa-1").withIssuer("https://evil.example").sign(RSA.jwtAlgorithm());
        assertEquals(Failure.INVALID, rejected(token).failure());
        assertEquals(0, fetches.get());
    }

    @Test
    void parseWhenKeysUnusableThenSkipped() throws IOException {
        String document = "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"c2VjcmV0\"},"
                + "{\"kty\":\"RSA\",\"kid\":\"small\",\"n\":\"AQAB\",\"e\":\"AQAB\"},"
                + "{\"kty\":\"RSA\",\"kid\":\"hs\",\"alg\":\"HS256\",\"n\":\""
                + RSA.publicJwk().orElseThrow().get("n")
                + "\",\"e\":\"AQAB\"},"
                + "{\"kty\":\"RSA\",\"kid\":\"enc\",\"use\":\"enc\",\"n\":\""
                + RSA.publicJwk().orElseThrow().get("n")
                + "\",\"e\":\"AQAB\"},"
                + "{\"kty\":\"EC\",\"kid\":\"p384\",\"crv\":\"P-384\",\"x\":\"AQ\",\"y\":\"AQ\"}]}";
        assertTrue(JsonWebKeys.parse(document).isEmpty());
        assertEquals(
                Set.of("rsa-1", "ec-1"),
                JsonWebKeys.parse(jwks(List.of(RSA, EC))).keySet());
    }

    @Test
    void verifyWhenIdTokenMarkersWithoutAccessTypeHeaderThenInvalid() {
        List<JWTCreator.Builder> idTokens = List.of(
                claims("rsa-1").withClaim("typ", "ID"),
                claims("rsa-1").withClaim("nonce", "n-0S6_WzA2Mj"),
                claims("rsa-1").withClaim("at_hash", "77QmUPtjPfzWtF2AnpK9RQ"),
                claims("rsa-1").withClaim("c_hash", "LDktKdoQak3Pk0cnXxCltA"),
                claims("rsa-1").withHeader(Map.of("typ", "JWT")).withClaim("nonce", "n"));
        for (JWTCreator.Builder idToken : idTokens) {
            Verification.Rejected rejected = rejected(idToken.sign(RSA.jwtAlgorithm()));
            assertEquals(Failure.INVALID, rejected.failure());
            assertEquals("The token is an ID token, not an access token.", rejected.description());
        }
    }

    @Test
    void verifyWhenPlainJwtOrNoTypAccessTokenOrAtJwtThenAccepted() {
        assertInstanceOf(
                Verification.Verified.class, verifier.verify(claims("rsa-1").sign(RSA.jwtAlgorithm())));
        assertInstanceOf(
                Verification.Verified.class,
                verifier.verify(claims("rsa-1")
                        .withHeader(Map.of("typ", "JWT"))
                        .withClaim("typ", "Bearer")
                        .sign(RSA.jwtAlgorithm())));
        assertInstanceOf(
                Verification.Verified.class,
                verifier.verify(
                        claims("rsa-1").withHeader(Map.of("typ", "at+jwt")).sign(RSA.jwtAlgorithm())));
        // RFC 9068: the header type says what the token is, whatever else it carries.
        assertInstanceOf(
                Verification.Verified.class,
                verifier.verify(claims("rsa-1")
                        .withHeader(Map.of("typ", "application/at+jwt"))
                        .withClaim("nonce", "n")
                        .sign(RSA.jwtAlgorithm())));
    }

    @Test
    void verifyWhenIssuerAllowsIdTokensThenIdTokenAccepted() {
        AuthConfig c = config;
        AuthConfig allowing = new AuthConfig(
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
                List.of(new AuthConfig.TrustedIssuerConfig(
                        ISSUER, URI.create("https://idp.example/certs"), java.util.Optional.of("api"), "idp", true)),
                c.consumers());
        TokenVerifier lenient = new TokenVerifier(
                allowing, new SigningKeys(List.of(OWN)), TrustedIssuers.create(allowing, source, clock), clock);
        assertInstanceOf(
                Verification.Verified.class,
                lenient.verify(claims("rsa-1")
                        .withClaim("typ", "ID")
                        .withClaim("nonce", "n")
                        .sign(RSA.jwtAlgorithm())));
    }

    @Test
    void verifyWhenForeignTokenThenSubjectJtiAndSessionQualifiedByTheIssuerAlias() {
        VerifiedToken token = assertInstanceOf(
                        Verification.Verified.class,
                        verifier.verify(claims("rsa-1")
                                .withJWTId("j-1")
                                .withClaim("sid", "s-1")
                                .sign(RSA.jwtAlgorithm())))
                .token();
        assertEquals("idp.example:ext-user", token.subject());
        assertEquals("idp.example:ext-user", token.claims().get("sub"));
        assertEquals(java.util.Optional.of("idp.example:j-1"), token.jti());
        assertEquals(java.util.Optional.of("idp.example:s-1"), token.sessionId());
    }

    @Test
    void verifyWhenJwksProviderSlowThenKnownKidsNotDelayedAndUnknownKidsFailWithinTheDeadline() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        AtomicInteger calls = new AtomicInteger();
        JwksSource slowAfterFirst = uri -> {
            if (calls.incrementAndGet() > 1) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return jwks(List.of(RSA));
        };
        // Far apart, so that a loaded machine cannot blur them: a cached kid answers in well under 500 ms, an
        // unknown kid waits for the 2 s deadline, and before the fix every lookup could wait for the provider.
        Duration deadline = Duration.ofSeconds(2);
        TokenVerifier slow = new TokenVerifier(
                config,
                new SigningKeys(List.of(OWN)),
                TrustedIssuers.create(config, slowAfterFirst, clock, deadline),
                clock);
        String known = claims("rsa-1").sign(RSA.jwtAlgorithm());
        assertInstanceOf(Verification.Verified.class, slow.verify(known));
        clock.advance(IssuerKeys.MAX_AGE);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            List<java.util.concurrent.Future<Long>> unknown = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String token = claims("kid-" + i).sign(RSA.jwtAlgorithm());
                unknown.add(pool.submit(() -> {
                    long start = System.nanoTime();
                    assertInstanceOf(Verification.Rejected.class, slow.verify(token));
                    return System.nanoTime() - start;
                }));
            }
            for (int i = 0; i < 20; i++) {
                long start = System.nanoTime();
                assertInstanceOf(Verification.Verified.class, slow.verify(known));
                assertTrue(
                        Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofMillis(500)) < 0,
                        "a known kid is answered from the cached set while the provider is slow");
            }
            for (java.util.concurrent.Future<Long> each : unknown) {
                Duration took = Duration.ofNanos(each.get(10, java.util.concurrent.TimeUnit.SECONDS));
                assertTrue(took.compareTo(deadline.plusMillis(1_500)) < 0, "unknown kid answered after " + took);
            }
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void createWhenJwksUriPlainHttpThenOnlyLoopbackAccepted() {
        for (String loopback :
                List.of("http://127.0.0.1:8080/certs", "http://localhost/certs", "http://[::1]:8080/certs")) {
            TrustedIssuers.create(withJwksUri(loopback), source, clock);
        }
        for (String remote : List.of("http://idp.example/certs", "http://10.0.0.5/certs", "ftp://idp.example/certs")) {
            IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                    IllegalArgumentException.class, () -> TrustedIssuers.create(withJwksUri(remote), source, clock));
            assertTrue(e.getMessage().contains("https://"), e.getMessage());
        }
    }

    private AuthConfig withJwksUri(String jwksUri) {
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
                List.of(new AuthConfig.TrustedIssuerConfig(
                        ISSUER, URI.create(jwksUri), java.util.Optional.of("api"), "idp", false)),
                c.consumers());
    }
}
