package io.portcullis.store;

import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;

/**
 * The in-process twin of one rate-limit Lua script: given a bucket's state (null when new or expired), the
 * quota and the time, the next state, when it expires and the decision. Called under the bucket's lock, so
 * implementations are plain functions. A new algorithm is a Lua file in {@code redis/}, one of these, and
 * an entry in {@link RateLimitAlgorithm}.
 *
 * @param <S> the bucket state, immutable
 */
interface LocalAlgorithm<S> {

    Step<S> apply(S state, Quota quota, long nowMillis);

    /** A bucket's next state, the epoch millisecond it expires, and the decision for this request. */
    record Step<S>(S state, long expiresAtMillis, Decision decision) {}

    /** Seconds from {@code nowMillis} to {@code endMillis}, rounded up, at least 1. */
    static long secondsUntil(long endMillis, long nowMillis) {
        return Math.max(1, (endMillis - nowMillis + 999) / 1000);
    }
}
