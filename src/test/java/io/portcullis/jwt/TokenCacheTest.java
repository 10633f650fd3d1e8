package io.portcullis.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.spy;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.auth.TokenIssuer;
import io.portcullis.config.AuthConfig;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

class TokenCacheTest {
    private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
    private static final SigningKey KEY = SigningKeys.generate(AuthConfig.Algorithm.HS256, "k1");

    private final MutableClock clock = new MutableClock(START);
    private final AuthConfig config = TokenVerifierTest.config(AuthConfig.Algorithm.HS256);
    private final SigningKeys keys = new SigningKeys(List.of(KEY));
    private final TokenVerifier verifier = spy(new TokenVerifier(config, keys, clock));
    private final TokenIssuer issuer = new TokenIssuer(keys, config, clock);
    private final TokenCache cache = new TokenCache(verifier, Optional.empty(), 100, clock, TokenCache.tickerOf(clock));

    private String token() {
        return issuer.issue("user-1", "s1", List.of("admin"), List.of("orders")).token();
    }

    @Test
    void verifyWhenCachedThenNoSecondVerification() {
        String token = token();
        VerifiedToken first = assertInstanceOf(Verification.Verified.class, cache.verify(token))
                .token();
        VerifiedToken second = assertInstanceOf(Verification.Verified.class, cache.verify(token))
                .token();

        assertEquals(first, second);
        verify(verifier, times(1)).verify(token);
    }

    @Test
    void verifyWhenTokenExpiredThenNeverServedFromCache() {
        String token = token();
        cache.verify(token);
        clock.advance(config.accessTtl().plus(config.leeway()).plusSeconds(1));

        Verification.Rejected rejected = assertInstanceOf(Verification.Rejected.class, cache.verify(token));
        assertEquals(Verification.Failure.EXPIRED, rejected.failure());
        verify(verifier, times(2)).verify(token);
    }

    @Test
    void verifyWhenPastExpButInsideLeewayThenVerifiedAgainNotServedFromCache() {
        String token = token();
        cache.verify(token);
        clock.advance(config.accessTtl().plusSeconds(1));

        assertInstanceOf(Verification.Verified.class, cache.verify(token));
        verify(verifier, times(2)).verify(token);
    }

    @Test
    void verifyWhenRejectedThenNotCached() {
        cache.verify("a.b.c");
        cache.verify("a.b.c");
        verify(verifier, times(2)).verify("a.b.c");
    }

    @Test
    void verifyWhenSizeZeroThenEveryCallVerifies() {
        TokenCache off = new TokenCache(verifier, Optional.empty(), 0, clock, TokenCache.tickerOf(clock));
        String token = token();
        off.verify(token);
        off.verify(token);
        verify(verifier, times(2)).verify(token);
    }

    @Test
    void verifyWhenSharedThenPayloadStoredUnderHashNeverTheToken() {
        VerifiedTokenStore shared = mock(VerifiedTokenStore.class);
        when(shared.get(anyString())).thenReturn(CompletableFuture.completedFuture(Optional.empty()));
        when(shared.put(anyString(), anyString(), any())).thenReturn(CompletableFuture.completedFuture(null));
        String token = token();

        new TokenCache(verifier, Optional.of(shared), 100, clock, TokenCache.tickerOf(clock)).verify(token);

        ArgumentCaptor<String> key = ArgumentCaptor.forClass(String.class);
        ArgumentCaptor<String> payload = ArgumentCaptor.forClass(String.class);
        verify(shared).put(key.capture(), payload.capture(), eq(START.plus(config.accessTtl())));
        assertEquals(TokenCache.hash(token), key.getValue());
        assertFalse(key.getValue().contains(token) || payload.getValue().contains(token.split("\\.")[2]));
    }

    @Test
    void verifyWhenMetersThenLocalHitsSharedHitsAndMissesCounted() {
        String token = token();
        VerifiedToken verified = ((Verification.Verified) new TokenVerifier(config, keys, clock).verify(token)).token();
        VerifiedTokenStore shared = mock(VerifiedTokenStore.class);
        when(shared.put(anyString(), anyString(), any())).thenReturn(CompletableFuture.completedFuture(null));
        when(shared.get(anyString()))
                .thenReturn(CompletableFuture.completedFuture(Optional.empty()))
                .thenReturn(CompletableFuture.completedFuture(Optional.of(VerifiedTokenCodec.encode(verified))));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        TokenCache counted =
                new TokenCache(verifier, Optional.of(shared), 100, clock, TokenCache.tickerOf(clock), meters);
        TokenCache otherNode =
                new TokenCache(verifier, Optional.of(shared), 100, clock, TokenCache.tickerOf(clock), meters);

        counted.verify(token);
        counted.verify(token);
        counted.verify(token);
        otherNode.verify(token);

        assertEquals(1.0, meters.get("portcullis.token.cache.misses").counter().count());
        assertEquals(
                2.0,
                meters.get("portcullis.token.cache.hits")
                        .tag("level", "local")
                        .counter()
                        .count());
        assertEquals(
                1.0,
                meters.get("portcullis.token.cache.hits")
                        .tag("level", "shared")
                        .counter()
                        .count());
    }

    @Test
    void verifyWhenSharedStoreHasPayloadThenUsedWithoutVerification() {
        String token = token();
        VerifiedToken verified = ((Verification.Verified) new TokenVerifier(config, keys, clock).verify(token)).token();
        VerifiedTokenStore shared = mock(VerifiedTokenStore.class);
        when(shared.get(TokenCache.hash(token)))
                .thenReturn(CompletableFuture.completedFuture(Optional.of(VerifiedTokenCodec.encode(verified))));

        TokenCache withShared = new TokenCache(verifier, Optional.of(shared), 100, clock, TokenCache.tickerOf(clock));
        assertEquals(
                verified,
                assertInstanceOf(Verification.Verified.class, withShared.verify(token))
                        .token());
        assertEquals(
                verified,
                assertInstanceOf(Verification.Verified.class, withShared.verify(token))
                        .token());

        verify(verifier, never()).verify(token);
        verify(shared, times(1)).get(anyString());
    }

    @Test
    void verifyWhenSharedPayloadExpiredOrUnreadableOrStoreFailsThenVerifiesItself() {
        String token = token();
        VerifiedToken verified = ((Verification.Verified) new TokenVerifier(config, keys, clock).verify(token)).token();
        VerifiedTokenStore shared = mock(VerifiedTokenStore.class);
        when(shared.put(anyString(), anyString(), any())).thenReturn(CompletableFuture.completedFuture(null));
        when(shared.get(anyString()))
                .thenReturn(
                        CompletableFuture.completedFuture(Optional.of("not json")),
                        CompletableFuture.failedFuture(new IllegalStateException("down")));
        TokenCache noLocal = new TokenCache(verifier, Optional.of(shared), 0, clock, TokenCache.tickerOf(clock));

        assertInstanceOf(Verification.Verified.class, noLocal.verify(token));
        assertInstanceOf(Verification.Verified.class, noLocal.verify(token));
        verify(verifier, times(2)).verify(token);
        assertEquals(Optional.of(verified), VerifiedTokenCodec.decode(VerifiedTokenCodec.encode(verified)));
        clock.advance(Duration.ofHours(1));
        assertEquals(Optional.empty(), VerifiedTokenCodec.decode("{\"sub\":1}"));
        // A payload written before the current version (no "v") is verified afresh, not trusted.
        String unversioned =
                VerifiedTokenCodec.encode(verified).replace("\"v\":" + VerifiedTokenCodec.VERSION + ",", "");
        assertEquals(Optional.empty(), VerifiedTokenCodec.decode(unversioned));
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"2400-01-01T00:00:00Z", "9999-12-31T23:59:59Z"})
    void verifyWhenExpBeyondWhatNanosecondsHoldThenAnsweredNeverThrown(String exp) {
        String token = com.auth0
                .jwt
                .JWT
                .create()
                .withHeader(java.util.Map.of("typ", "at+jwt"))
                .withKeyId("k1")
                .withIssuer(config.issuer())
                .withSubject("user-1")
                .withAudience(config.audience())
                .withIssuedAt(START)
                .withExpiresAt(Instant.parse(exp))
                .withJWTId("j1")
                .withClaim("typ", "access")
                .sign(KEY.jwtAlgorithm());

        Verification first = cache.verify(token);
        assertInstanceOf(Verification.class, cache.verify(token));
        assertEquals(first.getClass(), cache.verify(token).getClass());
    }
}
