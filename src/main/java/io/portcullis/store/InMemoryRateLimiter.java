package io.portcullis.store;

import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.ratelimit.RateLimiter;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link RateLimiter} counting in this process: the single-node default, and the fallback of the Redis
 * limiter while Redis is unreachable. Bounded to {@code maximumBuckets}; a bucket evicted early starts
 * afresh. Thread-safe: each decision is atomic per bucket.
 */
public final class InMemoryRateLimiter implements RateLimiter {
    /** Default bound on live buckets. */
    public static final long DEFAULT_MAXIMUM_BUCKETS = 500_000;

    private final Buckets<?> buckets;

    InMemoryRateLimiter(RateLimitAlgorithm algorithm, Clock clock, long maximumBuckets) {
        this.buckets = new Buckets<>(algorithm.local(), clock, maximumBuckets);
    }

    /** A fixed-window limiter. */
    public static InMemoryRateLimiter fixedWindow(Clock clock, long maximumBuckets) {
        return new InMemoryRateLimiter(RateLimitAlgorithm.FIXED_WINDOW, clock, maximumBuckets);
    }

    @Override
    public CompletionStage<Decision> acquire(String bucket, String policy, Quota quota) {
        return CompletableFuture.completedFuture(decide(bucket, policy, quota));
    }

    /** The decision, synchronously. */
    Decision decide(String bucket, String policy, Quota quota) {
        return buckets.decide(
                bucket + '\u0000' + policy + '\u0000' + quota.window().toMillis(), quota);
    }

    private static final class Buckets<S> {
        private final LocalAlgorithm<S> algorithm;
        private final ExpiringMap<String, S> states;

        Buckets(LocalAlgorithm<S> algorithm, Clock clock, long maximumBuckets) {
            this.algorithm = algorithm;
            this.states = new ExpiringMap<>(clock, maximumBuckets);
        }

        Decision decide(String key, Quota quota) {
            long now = states.now();
            Decision[] decision = new Decision[1];
            states.compute(key, old -> {
                LocalAlgorithm.Step<S> step = algorithm.apply(old == null ? null : old.value(), quota, now);
                decision[0] = step.decision();
                return new ExpiringMap.Entry<>(step.state(), step.expiresAtMillis());
            });
            return decision[0];
        }
    }
}
