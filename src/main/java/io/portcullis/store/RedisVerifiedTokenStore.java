package io.portcullis.store;

import io.lettuce.core.SetArgs;
import io.portcullis.jwt.VerifiedTokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link VerifiedTokenStore} in Redis: one string per token hash, with a TTL that ends at the token's exp (or
 * the maximum TTL). Failures read as a miss and writes are best effort. Thread-safe.
 */
final class RedisVerifiedTokenStore implements VerifiedTokenStore {
    private final RedisConnector redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final Duration maximumTtl;

    RedisVerifiedTokenStore(RedisConnector redis, RedisKeys keys, Clock clock, Duration maximumTtl) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.maximumTtl = maximumTtl;
    }

    @Override
    public CompletionStage<Optional<String>> get(String tokenHash) {
        return redis.call(keys.verifiedToken(tokenHash), c -> c.get(keys.verifiedToken(tokenHash)))
                .handle((payload, failure) -> failure == null ? Optional.ofNullable(payload) : Optional.empty());
    }

    @Override
    public CompletionStage<Void> put(String tokenHash, String payload, Instant expiresAt) {
        long ttl = Math.min(expiresAt.toEpochMilli() - clock.millis(), maximumTtl.toMillis());
        if (ttl <= 0) {
            return CompletableFuture.completedFuture(null);
        }
        return redis.call(
                        keys.verifiedToken(tokenHash),
                        c -> c.set(keys.verifiedToken(tokenHash), payload, SetArgs.Builder.px(ttl)))
                .handle((ok, failure) -> null);
    }
}
