package io.portcullis.ratelimit;

import java.util.concurrent.CompletionStage;

/**
 * Counts a request against a bucket and decides, atomically: with a limit of N, of N+k concurrent requests
 * through any nodes exactly N are allowed. One Redis round trip (one Lua script) per call; while Redis is
 * unreachable the Redis implementation counts the same limits in process ({@code on-failure: allow}) or
 * answers {@link Decision.Outcome#UNAVAILABLE} ({@code deny}). Never completes exceptionally. Thread-safe.
 *
 * <p>Buckets are caller-chosen strings such as {@code "k:partner-a:orders"}; the Redis key puts the bucket
 * in a Cluster hash tag, so a bucket named {@code "u:<sub>..."} shares the slot of that subject's revocation
 * keys.
 */
public interface RateLimiter {

    /** Counts one request in {@code bucket} under {@code quota}. */
    CompletionStage<Decision> acquire(String bucket, Quota quota);
}
