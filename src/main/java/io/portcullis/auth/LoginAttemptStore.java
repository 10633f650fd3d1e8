package io.portcullis.auth;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * Login attempt counters that count <em>before</em> the password is checked: one call checks every counter of a
 * group and, unless one of them is backing off, counts the attempt on all of them, atomically, so that of any
 * number of concurrent attempts only as many are let through as the counters allow. Each counter lets its first
 * {@link Counter#free} attempts through; the attempt that reaches that number starts a back-off ({@link
 * Backoff#base}), and each later one doubles it up to {@link Backoff#max}. An attempt refused for a back-off is
 * not counted, so refused traffic does not lengthen anyone's wait. Shared across nodes in Redis
 * ({@code login-attempt.lua}, {@code login-success.lua}); calls complete exceptionally with
 * {@link io.portcullis.chain.StoreUnavailableException} when the store cannot answer. Thread-safe.
 */
public interface LoginAttemptStore {

    /**
     * Checks the counters and, when none is backing off, counts one attempt on each. The first counter is the
     * narrowest (one username from one address): when it holds a success mark ({@link #succeeded}), the counters
     * after it are counted but do not hold the attempt back.
     *
     * @return milliseconds to wait before another attempt may be made; 0 when the attempt was counted and may go on
     */
    CompletionStage<Long> attempt(List<Counter> counters, Backoff backoff);

    /**
     * Takes back the count of one attempt whose password was right (or never checked): each counter loses that
     * one attempt, and a back-off already set runs its course, so no other attempt's count is erased and of any
     * number of concurrent attempts still no more than the free ones are let through. When {@code remember} is
     * positive the first counter is also marked as a success for that long.
     */
    CompletionStage<Void> succeeded(List<Counter> counters, Duration remember);

    /** One counter: its key (keys one group touches share a Redis Cluster hash tag) and its free attempts. */
    record Counter(String key, int free) {}

    /**
     * @param base the first back-off
     * @param max the longest back-off
     * @param window how long a counter is kept after its last attempt (at least as long as its back-off)
     */
    record Backoff(Duration base, Duration max, Duration window) {}
}
