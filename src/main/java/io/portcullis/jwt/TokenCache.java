package io.portcullis.jwt;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.portcullis.chain.StoreWait;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The verified-token cache in front of {@link TokenVerifier}: a hit costs a SHA-256 and a map lookup, no
 * signature check. Entries are keyed by the token's SHA-256 (the token itself is never kept), bounded by
 * {@code auth.token-cache.size}, and never outlive the token's {@code exp}: each entry expires at it, and a
 * read checks it again against the clock. With a {@link VerifiedTokenStore} ({@code token-cache.redis: true})
 * a local miss asks the shared store before verifying, and a fresh verification is shared. Only accepted
 * tokens are cached; revocation is not this class's business (the JWT stage checks it on every request).
 * Lookups are counted: {@code portcullis.token.cache.hits} (level local or shared) and
 * {@code portcullis.token.cache.misses}. Thread-safe.
 */
public final class TokenCache {
    /** The longest an entry stays, whatever its token's exp: far below the ~292 years a long holds in nanoseconds. */
    static final Duration LONGEST_ENTRY = Duration.ofDays(365L * 100);

    private final TokenVerifier verifier;
    private final Optional<VerifiedTokenStore> shared;
    private final StoreWait storeWait;
    private final Cache<String, VerifiedToken> local;
    private final Clock clock;
    private final Counter localHits;
    private final Counter sharedHits;
    private final Counter misses;

    /** A cache whose expiry runs on {@link Ticker#systemTicker()}, its lookups counted nowhere. */
    public TokenCache(TokenVerifier verifier, Optional<VerifiedTokenStore> shared, long size, Clock clock) {
        this(verifier, shared, size, clock, Ticker.systemTicker());
    }

    /** A cache whose lookups are counted nowhere. */
    public TokenCache(
            TokenVerifier verifier, Optional<VerifiedTokenStore> shared, long size, Clock clock, Ticker ticker) {
        this(verifier, shared, size, clock, ticker, new CompositeMeterRegistry());
    }

    /**
     * @param size the most entries kept in this process; 0 turns the local cache off
     * @param ticker drives Caffeine's expiry ({@link Ticker#systemTicker()} in production)
     * @param meters where the hit and miss counters go
     */
    public TokenCache(
            TokenVerifier verifier,
            Optional<VerifiedTokenStore> shared,
            long size,
            Clock clock,
            Ticker ticker,
            MeterRegistry meters) {
        this(verifier, shared, size, clock, ticker, meters, StoreWait.DEFAULT);
    }

    /** @param storeWait how long a local miss waits for the shared store before verifying itself */
    public TokenCache(
            TokenVerifier verifier,
            Optional<VerifiedTokenStore> shared,
            long size,
            Clock clock,
            Ticker ticker,
            MeterRegistry meters,
            StoreWait storeWait) {
        this.verifier = verifier;
        this.storeWait = storeWait;
        this.localHits = hits(meters, "local");
        this.sharedHits = hits(meters, "shared");
        this.misses = Counter.builder("portcullis.token.cache.misses")
                .description("Tokens that had to be verified (no cached verification)")
                .register(meters);
        this.shared = shared;
        this.clock = clock;
        this.local = size <= 0
                ? null
                : Caffeine.newBuilder()
                        .maximumSize(size)
                        .expireAfter(new UntilExpiry(clock))
                        .ticker(ticker)
                        .executor(Runnable::run)
                        .build();
    }

    /** The token's verification: from the cache when it holds an unexpired entry, else verified now. */
    public Verification verify(String token) {
        if (token == null || token.length() > TokenVerifier.MAX_TOKEN_LENGTH) {
            return verifier.verify(token);
        }
        String key = hash(token);
        Instant now = clock.instant();
        VerifiedToken hit = local == null ? null : local.getIfPresent(key);
        if (hit != null && hit.expiresAt().isAfter(now)) {
            localHits.increment();
            return new Verification.Verified(hit);
        }
        Optional<VerifiedToken> fromShared = shared.flatMap(
                        store -> storeWait.orElse(store.get(key), Optional.<String>empty()))
                .flatMap(VerifiedTokenCodec::decode)
                .filter(cached -> cached.expiresAt().isAfter(now));
        if (fromShared.isPresent()) {
            sharedHits.increment();
            remember(key, fromShared.get());
            return new Verification.Verified(fromShared.get());
        }
        misses.increment();
        Verification verification = verifier.verify(token);
        if (verification instanceof Verification.Verified verified
                && verified.token().expiresAt().isAfter(now)) {
            remember(key, verified.token());
            shared.ifPresent(store -> store.put(
                    key,
                    VerifiedTokenCodec.encode(verified.token()),
                    verified.token().expiresAt()));
        }
        return verification;
    }

    private void remember(String key, VerifiedToken token) {
        if (local != null) {
            local.put(key, token);
        }
    }

    private static Counter hits(MeterRegistry meters, String level) {
        return Counter.builder("portcullis.token.cache.hits")
                .description("Tokens whose verification came from the cache, by cache level")
                .tag("level", level)
                .register(meters);
    }

    /** The cache key of a token: its SHA-256, base64url. */
    static String hash(String token) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** A Caffeine ticker that follows {@code clock}, for tests that move time by hand. */
    public static Ticker tickerOf(Clock clock) {
        return () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    }

    /** Each entry lives until its token's exp, whatever happens to it meanwhile. */
    private record UntilExpiry(Clock clock) implements Expiry<String, VerifiedToken> {
        @Override
        public long expireAfterCreate(String key, VerifiedToken token, long currentTime) {
            Duration life = Duration.between(clock.instant(), token.expiresAt());
            // A token valid for centuries would overflow the nanosecond count Caffeine takes.
            return life.isNegative() ? 0 : life.compareTo(LONGEST_ENTRY) > 0 ? LONGEST_ENTRY.toNanos() : life.toNanos();
        }

        @Override
        public long expireAfterUpdate(String key, VerifiedToken token, long currentTime, long currentDuration) {
            return expireAfterCreate(key, token, currentTime);
        }

        @Override
        public long expireAfterRead(String key, VerifiedToken token, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
