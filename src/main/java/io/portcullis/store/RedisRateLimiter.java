package io.portcullis.store;

import io.lettuce.core.ScriptOutputType;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.ratelimit.RateLimiter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link RateLimiter} in Redis: one EVALSHA of the algorithm's script per request, exact across nodes. While
 * Redis is unavailable it decides with {@code fallback} (the same limits counted on this node, under
 * {@code on-failure.rate-limit: allow}) or answers {@link Decision.Outcome#UNAVAILABLE} when there is none
 * ({@code deny}); with the breaker open that costs no network call. Thread-safe.
 */
final class RedisRateLimiter implements RateLimiter {
    private final RedisConnector redis;
    private final RedisKeys keys;
    private final RateLimitAlgorithm algorithm;
    private final InMemoryRateLimiter fallback;

    /** @param fallback the in-process limiter to use while Redis is unavailable, or null to answer unavailable */
    RedisRateLimiter(RedisConnector redis, RedisKeys keys, RateLimitAlgorithm algorithm, InMemoryRateLimiter fallback) {
        this.redis = redis;
        this.keys = keys;
        this.algorithm = algorithm;
        this.fallback = fallback;
    }

    @Override
    public CompletionStage<Decision> acquire(String bucket, String policy, Quota quota) {
        String key = keys.rateLimit(bucket, policy, algorithm, quota.window().toMillis());
        if (!redis.allowsCalls(key)) {
            return CompletableFuture.completedFuture(degraded(bucket, policy, quota));
        }
        return redis.<List<Long>>eval(
                        algorithm.script(), ScriptOutputType.MULTI, new String[] {key}, algorithm.arguments(quota))
                .handle((reply, failure) ->
                        failure == null ? algorithm.decide(reply, quota) : degraded(bucket, policy, quota));
    }

    private Decision degraded(String bucket, String policy, Quota quota) {
        return fallback != null
                ? fallback.decide(bucket, policy, quota)
                : Decision.unavailable(quota, redis.retryAfterSeconds());
    }
}
