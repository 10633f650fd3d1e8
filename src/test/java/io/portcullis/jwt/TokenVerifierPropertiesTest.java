package io.portcullis.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.auth.TokenIssuer;
import io.portcullis.config.AuthConfig;
import io.portcullis.testsupport.Bounded;
import io.portcullis.testsupport.MutableClock;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

/**
 * The token parser against hostile input: random text, garbled and truncated tokens, base64 mutations of a
 * genuine token, and correctly signed tokens whose header and claims hold anything JSON can (odd {@code alg},
 * {@code kid} and {@code crit} values, wrong types, huge values, deep nesting). Verification never throws and
 * never hangs, and whatever it accepts meets every rule of RFC 8725 and RFC 9068 the gateway promises.
 */
class TokenVerifierPropertiesTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final String ISSUER = "https://gw.example";
    private static final SigningKey KEY = SigningKeys.generate(AuthConfig.Algorithm.HS256, "k1");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getUrlDecoder();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Stands for JSON null inside an {@link Optional}. */
    private static final Object NULL = new Object();

    private static final String BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private final MutableClock clock = new MutableClock(NOW);
    private final AuthConfig config = TokenVerifierTest.config(AuthConfig.Algorithm.HS256);
    private final SigningKeys keys = new SigningKeys(List.of(KEY));
    private final TokenVerifier verifier = new TokenVerifier(config, keys, clock);
    private final String genuine = new TokenIssuer(keys, config, clock)
            .issue("user-1", "session-1", List.of("admin"), List.of("orders"))
            .token();

    private Verification verify(String token) {
        return Bounded.call(() -> verifier.verify(token));
    }

    @Property(tries = 300)
    void verifyWhenArbitraryTextThenRejectedNeverThrown(@ForAll("text") String token) {
        Verification.Rejected rejected = assertInstanceOf(Verification.Rejected.class, verify(token));
        assertTrue(
                rejected.failure() == Verification.Failure.MALFORMED
                        || rejected.failure() == Verification.Failure.INVALID,
                rejected::toString);
        assertFalse(rejected.description().contains(token.length() > 3 ? token : "\u0000"), "no token in the answer");
    }

    @Property(tries = 400)
    void verifyWhenGenuineTokenMutatedThenRejectedUnlessTheBytesAreUnchanged(@ForAll("mutations") Mutation mutation) {
        String mutated = mutation.apply(genuine);
        Verification result = verify(mutated);
        if (result instanceof Verification.Verified) {
            // One token, one spelling: padding or altered spare bits in a last character are refused.
            assertEquals(genuine, mutated);
        } else {
            Verification.Failure failure = ((Verification.Rejected) result).failure();
            assertTrue(
                    failure == Verification.Failure.MALFORMED || failure == Verification.Failure.INVALID,
                    () -> mutation + " → " + result);
        }
    }

    @Property(tries = 400)
    @StatisticsReport(StatisticsReport.StatisticsReportMode.OFF)
    void verifyWhenSignedWithAnyHeaderAndClaimsThenOnlyConformingTokensAccepted(
            @ForAll("headers") Map<String, Object> header, @ForAll("claims") Map<String, Object> claims) {
        String token = signed(header, claims);
        Verification result = verify(token);
        if (token.length() > TokenVerifier.MAX_TOKEN_LENGTH) {
            assertEquals(
                    Verification.Failure.MALFORMED,
                    assertInstanceOf(Verification.Rejected.class, result).failure());
            return;
        }
        Statistics.collect(result instanceof Verification.Rejected r ? r.failure() : "VERIFIED");
        Statistics.coverage(coverage -> coverage.check("VERIFIED").percentage(p -> p >= 1));
        if (result instanceof Verification.Verified verified) {
            assertConforming(header, claims, verified.token());
        } else {
            Verification.Rejected rejected = (Verification.Rejected) result;
            assertNotEquals(Verification.Failure.UNAVAILABLE, rejected.failure(), rejected::toString);
            assertNotEquals(Verification.Failure.REVOKED, rejected.failure(), rejected::toString);
        }
    }

    @Property(tries = 150)
    void verifyWhenSegmentsHoldDeeplyNestedJsonThenRejected(@ForAll("depths") int depth, @ForAll boolean inHeader) {
        String nested = "[".repeat(depth) + "]".repeat(depth);
        String header = inHeader
                ? "{\"alg\":\"HS256\",\"kid\":\"k1\",\"x\":" + nested + "}"
                : "{\"alg\":\"HS256\",\"kid\":\"k1\"}";
        String payload = inHeader ? "{\"sub\":\"u\"}" : "{\"sub\":\"u\",\"x\":" + nested + "}";
        String token = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2ln";

        assertInstanceOf(Verification.Rejected.class, verify(token));
    }

    /** What RFC 8725 and the contract demand of an accepted token, checked against the JSON that was signed. */
    private void assertConforming(Map<String, Object> header, Map<String, Object> claims, VerifiedToken token) {
        assertEquals("HS256", header.get("alg"), "the algorithm is the key's, exactly");
        for (String refused : List.of("jku", "x5u", "jwk", "x5c", "crit")) {
            assertFalse(header.containsKey(refused), refused);
        }
        boolean consumer = "partner".equals(claims.get("iss"));
        assertTrue(consumer || ISSUER.equals(claims.get("iss")), "issuer");
        Object exp = claims.get("exp");
        assertTrue(exp instanceof Long || exp instanceof Integer, "exp is whole seconds");
        long leeway = config.leeway().toSeconds();
        assertTrue(((Number) exp).doubleValue() >= NOW.getEpochSecond() - leeway, "not expired");
        for (String notInFuture : List.of("nbf", "iat")) {
            Object value = claims.get(notInFuture);
            assertTrue(
                    value == null || value instanceof Number n && n.doubleValue() <= NOW.getEpochSecond() + leeway,
                    notInFuture);
        }
        if (!consumer) {
            assertEquals("k1", header.get("kid"));
            assertTrue("at+jwt".equalsIgnoreCase(String.valueOf(header.get("typ"))), "typ at+jwt");
            assertEquals("access", claims.get("typ"));
            Object aud = claims.get("aud");
            assertTrue("api".equals(aud) || aud instanceof List<?> list && list.contains("api"), "audience");
            assertTrue(claims.get("sub") instanceof String sub && !sub.isBlank() && sub.equals(token.subject()), "sub");
            assertTrue(claims.get("jti") != null && token.jti().isPresent(), "jti");
        } else {
            assertEquals("partner:partner", token.subject(), "a consumer's token speaks for the consumer");
            assertEquals(List.of(), token.roles(), "a consumer's roles come from its entry only");
            Object start = claims.get("iat") != null ? claims.get("iat") : claims.get("nbf");
            assertInstanceOf(Number.class, start, "a consumer's token says when it was issued");
            assertTrue(((Number) exp).longValue() - ((Number) start).longValue() <= 3600, "at most the max lifetime");
        }
        assertTrue(token.expiresAt().isAfter(NOW.minusSeconds(leeway + 1)));
    }

    private static String signed(Map<String, Object> header, Map<String, Object> claims) {
        byte[] headerJson = json(header);
        byte[] payloadJson = json(claims);
        byte[] signature = KEY.jwtAlgorithm().sign(B64.encode(headerJson), B64.encode(payloadJson));
        return B64.encodeToString(headerJson) + "." + B64.encodeToString(payloadJson) + "."
                + B64.encodeToString(signature);
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings().withChars(BASE64URL + ".=+/ %").ofMaxLength(400),
                Arbitraries.strings()
                        .withChars(BASE64URL)
                        .ofMinLength(1)
                        .ofMaxLength(60)
                        .list()
                        .ofMinSize(0)
                        .ofMaxSize(6)
                        .map(parts -> String.join(".", parts)),
                Combinators.combine(
                                Arbitraries.integers().between(2_600, 3_100),
                                Arbitraries.strings()
                                        .withChars(BASE64URL)
                                        .ofMinLength(1)
                                        .ofMaxLength(40))
                        .as((n, s) -> (s + ".").repeat(3).repeat(n / 3 / (s.length() + 1) + 1)),
                Arbitraries.of(
                        "",
                        ".",
                        "..",
                        "...",
                        "a.b.c",
                        "a..c",
                        ".b.c",
                        "a.b.",
                        "e30.e30.",
                        "e30.e30.e30",
                        "bnVsbA.bnVsbA.c2ln",
                        "W10.W10.c2ln",
                        "IiI.IiI.c2ln",
                        "eyJhbGciOiJub25lIn0.e30."));
    }

    @Provide
    Arbitrary<Mutation> mutations() {
        Arbitrary<Integer> position = Arbitraries.integers().between(0, 10_000);
        Arbitrary<Character> base64Char =
                Arbitraries.of(BASE64URL.chars().mapToObj(c -> (char) c).toList());
        Arbitrary<Character> anyChar = Arbitraries.chars();
        return Arbitraries.oneOf(
                Combinators.combine(position, base64Char).as(Mutation.Replace::new),
                Combinators.combine(position, anyChar).as(Mutation.Replace::new),
                Combinators.combine(position, anyChar).as(Mutation.Insert::new),
                position.map(Mutation.Delete::new),
                position.map(Mutation.Truncate::new),
                Arbitraries.integers().between(0, 2).map(Mutation.DropSegment::new),
                Arbitraries.integers().between(0, 2).map(Mutation.DuplicateSegment::new),
                Combinators.combine(
                                Arbitraries.integers().between(0, 1),
                                Arbitraries.strings().ofMaxLength(40))
                        .as(Mutation.ReplaceJsonSegment::new));
    }

    @Provide
    Arbitrary<Map<String, Object>> headers() {
        Arbitrary<Optional<Object>> alg = field(
                Arbitraries.just("HS256"),
                Arbitraries.of(
                        "none",
                        "None",
                        "NONE",
                        " none",
                        "hs256",
                        "HS384",
                        "RS256",
                        "ES256",
                        "PS256",
                        "",
                        "HS256 ",
                        "HS256\u0000"));
        Arbitrary<Optional<Object>> kid = field(
                Arbitraries.just("k1"),
                Arbitraries.of(
                        "K1",
                        "k1 ",
                        "",
                        "../../../etc/passwd",
                        "k1' OR '1'='1",
                        "k1\u0000",
                        "partner",
                        "https://evil.example/jwks.json"));
        Arbitrary<Optional<Object>> typ =
                field(Arbitraries.just("at+jwt"), Arbitraries.of("AT+JWT", "JWT", "application/at+jwt", "refresh"));
        Arbitrary<Optional<Map.Entry<String, Object>>> extra = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.just(Optional.empty())),
                Tuple.of(
                        1,
                        Combinators.combine(
                                        Arbitraries.of(
                                                "crit", "jku", "x5u", "jwk", "x5c", "b64", "zip", "cty", "enc", "alg2"),
                                        oddValue())
                                .as((name, value) -> Optional.of(new AbstractMap.SimpleEntry<>(name, value)))));
        return Combinators.combine(alg, kid, typ, extra).as((a, k, t, e) -> {
            Map<String, Object> header = new LinkedHashMap<>();
            a.ifPresent(v -> header.put("alg", orNull(v)));
            k.ifPresent(v -> header.put("kid", orNull(v)));
            t.ifPresent(v -> header.put("typ", orNull(v)));
            e.ifPresent(entry -> header.put(entry.getKey(), entry.getValue()));
            return header;
        });
    }

    @Provide
    Arbitrary<Map<String, Object>> claims() {
        long now = NOW.getEpochSecond();
        Arbitrary<Object> oddTimes = Arbitraries.of(
                0L,
                -1L,
                Long.MAX_VALUE,
                Long.MIN_VALUE,
                1e300,
                -1e300,
                now + 0.5,
                253402300800L,
                9_999_999_999_999L,
                "1700000000",
                now - 60,
                now + 3_600);
        Arbitrary<Optional<Object>> exp = field(Arbitraries.longs().between(now - 10, now + 3_600), oddTimes);
        Arbitrary<Optional<Object>> past = field(Arbitraries.longs().between(now - 3_600, now + 10), oddTimes);
        Arbitrary<Optional<Object>> iss =
                field(Arbitraries.just(ISSUER), Arbitraries.of("partner", "https://GW.example", ISSUER + "/", ""));
        Arbitrary<Optional<Object>> aud =
                field(Arbitraries.just("api"), Arbitraries.of(List.of("api", "other"), List.of("other"), "API", ""));
        Arbitrary<Optional<Object>> sub = field(
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
                Arbitraries.of("", " ", "\t", "a".repeat(5_000)));
        Arbitrary<Optional<Object>> typ =
                field(Arbitraries.just("access"), Arbitraries.of("refresh", "ACCESS", "id", ""));
        Arbitrary<Optional<Object>> text = field(
                Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(20),
                Arbitraries.strings().ofMaxLength(20));
        Arbitrary<Optional<Object>> scope = field(Arbitraries.of("orders", "orders admin"), Arbitraries.of(" ", ""));
        Arbitrary<Optional<Object>> roles =
                field(Arbitraries.of(List.of("admin"), List.of()), Arbitraries.of("admin", List.of("a", "b")));
        return Combinators.combine(List.of(iss, sub, aud, exp, past, past, text, typ, text, scope, roles))
                .as(values -> {
                    String[] names = {"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "typ", "sid", "scope", "roles"};
                    Map<String, Object> claims = new LinkedHashMap<>();
                    for (int i = 0; i < names.length; i++) {
                        int index = i;
                        values.get(i).ifPresent(v -> claims.put(names[index], orNull(v)));
                    }
                    return claims;
                });
    }

    @Provide
    Arbitrary<Integer> depths() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(1, 64), Arbitraries.integers().between(900, 3_000));
    }

    /**
     * A header field or claim: mostly a valid value, otherwise absent, a plausible wrong value, or any JSON
     * value at all (JSON null included).
     */
    private static Arbitrary<Optional<Object>> field(Arbitrary<?> valid, Arbitrary<?> wrong) {
        return Arbitraries.frequencyOf(
                Tuple.of(24, valid.map(Optional::<Object>of)),
                Tuple.of(1, Arbitraries.just(Optional.empty())),
                Tuple.of(1, wrong.map(Optional::<Object>of)),
                Tuple.of(1, oddValue().map(v -> Optional.of(v == null ? NULL : v))));
    }

    private static Object orNull(Object value) {
        return value == NULL ? null : value;
    }

    /** JSON values of every type, nested, some very large. */
    private static Arbitrary<Object> oddValue() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30).map(s -> s),
                Arbitraries.integers().map(i -> i),
                Arbitraries.doubles().map(d -> d),
                Arbitraries.of(true, false).map(b -> b),
                Arbitraries.just(null),
                Arbitraries.of("x".repeat(3_000), "\u0000", "\uD800", "\u202Eevil")
                        .map(s -> s));
        return Arbitraries.recursive(
                () -> scalar,
                inner -> Arbitraries.oneOf(
                        inner.list().ofMaxSize(3).map(list -> (Object) new ArrayList<>(list)), inner.map(v -> {
                            Map<String, Object> map = new LinkedHashMap<>();
                            map.put("k", v);
                            return (Object) map;
                        })),
                0,
                4);
    }

    /** One change to a token's text. */
    sealed interface Mutation {
        String apply(String token);

        record Replace(int position, char replacement) implements Mutation {
            public String apply(String token) {
                int at = position % token.length();
                return token.substring(0, at) + replacement + token.substring(at + 1);
            }
        }

        record Insert(int position, char inserted) implements Mutation {
            public String apply(String token) {
                int at = position % (token.length() + 1);
                return token.substring(0, at) + inserted + token.substring(at);
            }
        }

        record Delete(int position) implements Mutation {
            public String apply(String token) {
                int at = position % token.length();
                return token.substring(0, at) + token.substring(at + 1);
            }
        }

        record Truncate(int length) implements Mutation {
            public String apply(String token) {
                return token.substring(0, length % token.length());
            }
        }

        record DropSegment(int segment) implements Mutation {
            public String apply(String token) {
                List<String> parts = new ArrayList<>(List.of(token.split("\\.")));
                parts.remove(segment);
                return String.join(".", parts);
            }
        }

        record DuplicateSegment(int segment) implements Mutation {
            public String apply(String token) {
                List<String> parts = new ArrayList<>(List.of(token.split("\\.")));
                parts.add(segment, parts.get(segment));
                return String.join(".", parts);
            }
        }

        /** Swaps the header or payload for other JSON text, keeping the original signature. */
        record ReplaceJsonSegment(int segment, String text) implements Mutation {
            public String apply(String token) {
                String[] parts = token.split("\\.");
                String original = new String(B64_DECODER.decode(parts[segment]), StandardCharsets.UTF_8);
                String replaced = original.isEmpty() ? text : original.substring(0, original.length() - 1) + text + "}";
                parts[segment] = B64.encodeToString(replaced.getBytes(StandardCharsets.UTF_8));
                return String.join(".", parts);
            }
        }
    }
}
