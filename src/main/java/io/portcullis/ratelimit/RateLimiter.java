package io.portcullis.ratelimit;

import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import java.util.concurrent.CompletionStage;

/**
 * Counts a request against a bucket and decides, atomically: with a limit of N, of N+k concurrent requests
 * through any nodes exactly N are allowed. One Redis round trip (one Lua script) per call; while Redis is
 * unreachable the Redis implementation counts the same limits in process ({@code on-failure: allow}) or
 * answers {@link Decision.Outcome#UNAVAILABLE} ({@code deny}). Never completes exceptionally. Thread-safe.
 *
 * <p>A count is kept per bucket, policy and window. The bucket names the caller, such as {@code "k:partner-a"}
 * (an API key), {@code "u:<sub>"} (a user) or {@code "a:203.0.113.7"} (a client address); the Redis key puts
 * only the bucket in a Cluster hash tag, so a user's counts share the slot of that subject's revocation keys
 * and one script checks both (see {@link Counted}). The policy separates counts of one caller, such as a route's own limit
 * from the shared default.
 */
public interface RateLimiter {

    /** Counts one request of {@code bucket} under {@code policy} with {@code quota}. */
    CompletionStage<Decision> acquire(String bucket, String policy, Quota quota);

    /** Counts one request of {@code bucket} under the unnamed policy. */
    default CompletionStage<Decision> acquire(String bucket, Quota quota) {
        return acquire(bucket, "", quota);
    }
}
