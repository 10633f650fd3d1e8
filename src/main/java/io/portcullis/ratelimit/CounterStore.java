package io.portcullis.ratelimit;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * Atomic counters that reset a fixed time after their first increment, for limits that are not per request,
 * such as failed logins per username and per client address. Calls complete exceptionally with
 * {@link io.portcullis.chain.StoreUnavailableException} when the store cannot answer and
 * {@code redis.on-failure.rate-limit} is {@code deny}; under {@code allow} the Redis implementation counts in
 * process while Redis is unreachable. Thread-safe.
 */
public interface CounterStore {

    /** Adds one to {@code key}; the first increment starts a window of {@code window}. */
    CompletionStage<Count> increment(String key, Duration window);

    /** The current count without changing it (zero when absent or expired). */
    CompletionStage<Count> peek(String key);

    /** Forgets the count (for example after a successful login). */
    CompletionStage<Void> reset(String key);

    /**
     * A counter's value.
     *
     * @param value the count in the current window
     * @param resetSeconds seconds until the window ends (0 when there is no window)
     */
    record Count(long value, long resetSeconds) {}
}
