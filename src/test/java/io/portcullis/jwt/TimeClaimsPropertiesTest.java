package io.portcullis.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portcullis.config.AuthConfig;
import io.portcullis.testsupport.Bounded;
import io.portcullis.testsupport.MutableClock;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code exp}, {@code nbf} and {@code iat} over the whole {@code long} range and beyond (doubles, big
 * integers, strings), in correctly signed tokens of the gateway and of a consumer, through the verifier and
 * the verified-token cache: nothing throws, a value that is not a whole number of seconds between 1970 and
 * 9999 is refused as invalid, and an accepted token is cached without overflowing.
 */
class TimeClaimsPropertiesTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final String ISSUER = "https://gw.example";
    private static final SigningKey KEY = SigningKeys.generate(AuthConfig.Algorithm.HS256, "k1");
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /** 9999-12-31T23:59:59Z, the last second the gateway accepts in a time claim. */
    private static final long LAST_SECOND = 253_402_300_799L;

    private final MutableClock clock = new MutableClock(NOW);
    private final AuthConfig config = TokenVerifierTest.config(AuthConfig.Algorithm.HS256);
    private final TokenVerifier verifier = new TokenVerifier(config, new SigningKeys(List.of(KEY)), clock);
    private final TokenCache cache = new TokenCache(verifier, Optional.empty(), 100, clock, TokenCache.tickerOf(clock));

    @Property(tries = 600)
    void verifyWhenAnyTimeClaimValueThenNeverThrownAndUnrepresentableRefused(
            @ForAll("claims") String claim, @ForAll("values") Object value, @ForAll boolean consumer) {
        ObjectNode payload = consumer ? consumerPayload() : ownPayload();
        set(payload, claim, value);
        String token = signed(consumer, payload);

        Verification first = Bounded.call(() -> cache.verify(token));
        Verification second = Bounded.call(() -> cache.verify(token));
        assertEquals(first.getClass(), second.getClass(), "the cache answers as the verifier did");

        if (!representable(value)) {
            Verification.Rejected rejected =
                    assertInstanceOf(Verification.Rejected.class, first, () -> claim + "=" + value);
            // Both are a 401 invalid_token; MALFORMED where java-jwt cannot even decode the value.
            assertTrue(
                    rejected.failure() == Verification.Failure.INVALID
                            || rejected.failure() == Verification.Failure.MALFORMED,
                    () -> claim + "=" + value + ": " + rejected);
        }
        if (first instanceof Verification.Verified verified) {
            assertTrue(verified.token()
                    .expiresAt()
                    .isAfter(NOW.minus(config.leeway()).minusSeconds(1)));
            assertTrue(verified.token().expiresAt().getEpochSecond() <= LAST_SECOND);
        }
    }

    @Property(tries = 200)
    void verifyWhenExpAnyLongThenOwnTokenVerifiedOnlyInsideTheWindowAndCachedSafely(@ForAll long exp) {
        ObjectNode payload = ownPayload();
        payload.put("exp", exp);
        Verification result = Bounded.call(() -> cache.verify(signed(false, payload)));
        boolean live = exp >= NOW.getEpochSecond() - config.leeway().toSeconds() && exp <= LAST_SECOND;
        assertEquals(live, result instanceof Verification.Verified, () -> "exp=" + exp + ": " + result);
        if (!live) {
            Verification.Failure failure = ((Verification.Rejected) result).failure();
            assertTrue(
                    failure == Verification.Failure.INVALID
                            || failure == Verification.Failure.EXPIRED
                            || failure == Verification.Failure.MALFORMED,
                    () -> "exp=" + exp + ": " + result);
        }
    }

    private static boolean representable(Object value) {
        return value instanceof Long seconds && seconds >= 0 && seconds <= LAST_SECOND;
    }

    private static ObjectNode ownPayload() {
        ObjectNode payload = NODES.objectNode();
        payload.put("iss", ISSUER)
                .put("sub", "user-1")
                .put("aud", "api")
                .put("typ", "access")
                .put("jti", "j1")
                .put("iat", NOW.getEpochSecond())
                .put("exp", NOW.getEpochSecond() + 600);
        return payload;
    }

    private static ObjectNode consumerPayload() {
        ObjectNode payload = NODES.objectNode();
        payload.put("iss", "partner").put("iat", NOW.getEpochSecond()).put("exp", NOW.getEpochSecond() + 600);
        return payload;
    }

    private static void set(ObjectNode payload, String claim, Object value) {
        if (value instanceof Long l) {
            payload.put(claim, l);
        } else if (value instanceof Double d) {
            payload.put(claim, d);
        } else if (value instanceof BigInteger b) {
            payload.put(claim, b);
        } else if (value instanceof BigDecimal b) {
            payload.put(claim, b);
        } else if (value instanceof Boolean b) {
            payload.put(claim, b);
        } else if (value == null) {
            payload.putNull(claim);
        } else {
            payload.put(claim, value.toString());
        }
    }

    private String signed(boolean consumer, ObjectNode payload) {
        String header = consumer
                ? "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
                : "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"k1\"}";
        try {
            byte[] h = header.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            byte[] p = JSON.writeValueAsBytes(payload);
            com.auth0.jwt.algorithms.Algorithm algorithm = consumer
                    ? com.auth0.jwt.algorithms.Algorithm.HMAC256(TokenVerifierTest.CONSUMER_SECRET)
                    : KEY.jwtAlgorithm();
            byte[] signature = algorithm.sign(B64.encode(h), B64.encode(p));
            return B64.encodeToString(h) + "." + B64.encodeToString(p) + "." + B64.encodeToString(signature);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Provide
    Arbitrary<String> claims() {
        return Arbitraries.of("exp", "nbf", "iat");
    }

    @Provide
    Arbitrary<Object> values() {
        long now = NOW.getEpochSecond();
        return Arbitraries.oneOf(
                Arbitraries.longs().map(Object.class::cast),
                Arbitraries.longs().between(now - 4_000, now + 4_000).map(Object.class::cast),
                Arbitraries.of(
                                Long.MAX_VALUE,
                                Long.MIN_VALUE,
                                -1L,
                                0L,
                                9_223_372_036L,
                                9_223_372_037L,
                                253_402_300_799L,
                                253_402_300_800L,
                                31_556_889_864_403_199L,
                                31_556_889_864_403_200L,
                                4_102_444_800L,
                                9_300_000_000L)
                        .map(Object.class::cast),
                Arbitraries.doubles().map(Object.class::cast),
                Arbitraries.of(
                                1e300,
                                -1e300,
                                Double.MAX_VALUE,
                                Double.MIN_VALUE,
                                (double) now + 0.5,
                                (double) now,
                                9.3e18,
                                1e19)
                        .map(Object.class::cast),
                Arbitraries.bigIntegers()
                        .between(
                                BigInteger.valueOf(Long.MAX_VALUE).negate().shiftLeft(70),
                                BigInteger.valueOf(Long.MAX_VALUE).shiftLeft(70))
                        .filter(b -> b.bitLength() > 63)
                        .map(Object.class::cast),
                Arbitraries.of(
                                new BigDecimal("1e400"),
                                new BigDecimal(now + ".000000000000000000001"),
                                BigInteger.TEN.pow(30))
                        .map(Object.class::cast),
                Arbitraries.of(String.valueOf(now + 60), "abc", "", "1e300", "NaN", "Infinity")
                        .map(Object.class::cast),
                Arbitraries.of(Boolean.TRUE, Boolean.FALSE).map(Object.class::cast));
    }
}
