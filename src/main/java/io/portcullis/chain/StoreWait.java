package io.portcullis.chain;

import io.portcullis.config.RedisConfig;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one way the gateway waits, on a request or start-up thread, for an asynchronous store's answer: never
 * longer than the store's own timeout ({@code redis.timeout}) times {@link #ROUND_TRIPS}, plus {@link #MARGIN}.
 * The Redis stores fail a call themselves after {@code redis.timeout}; this bound is the backstop for a call
 * that chains a few commands, or for a store that does not answer at all. A failure of the store, a call that
 * outlives the bound and an interrupt (whose flag is restored) all become a {@link StoreUnavailableException},
 * which the gateway answers with 503 and {@code Retry-After: 1}. Immutable.
 *
 * @param limit the longest wait for one call
 */
public record StoreWait(Duration limit) {
    /** A call may chain this many commands, each bounded by {@code redis.timeout}. */
    public static final int ROUND_TRIPS = 2;
    /** What the bound allows beyond the commands' own timeouts (scheduling, a slow event loop). */
    public static final Duration MARGIN = Duration.ofMillis(500);

    /** The longest bound: what a {@code long} of nanoseconds holds (about 292 years). */
    public static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);
    /** The bound for the default {@code redis.timeout}, and for the in-memory stores (which answer at once). */
    public static final StoreWait DEFAULT = forTimeout(RedisConfig.DEFAULT_TIMEOUT);

    public StoreWait {
        Objects.requireNonNull(limit, "limit");
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("a store wait must be positive (was " + limit + ")");
        }
        if (limit.compareTo(LONGEST) > 0) {
            limit = LONGEST;
        }
    }

    /** The bound for stores whose commands time out after {@code storeTimeout} ({@code redis.timeout}). */
    public static StoreWait forTimeout(Duration storeTimeout) {
        if (storeTimeout.compareTo(LONGEST.minus(MARGIN).dividedBy(ROUND_TRIPS)) > 0) {
            return new StoreWait(LONGEST);
        }
        return new StoreWait(storeTimeout.multipliedBy(ROUND_TRIPS).plus(MARGIN));
    }

    /** The bound for the configured {@code redis.timeout}. */
    public static StoreWait of(RedisConfig redis) {
        return forTimeout(redis.timeout());
    }

    /**
     * The store's answer.
     *
     * @throws StoreUnavailableException if the call failed, did not answer within {@link #limit}, or the
     *     thread was interrupted (its interrupt flag is then set again)
     */
    public <T> T result(CompletionStage<T> call) {
        try {
            return call.toCompletableFuture().get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException | CompletionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof StoreUnavailableException unavailable) {
                throw unavailable;
            }
            throw new StoreUnavailableException("the store failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("the store did not answer within " + limit.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the store");
        } catch (CancellationException e) {
            throw new StoreUnavailableException("the store call was cancelled", e);
        }
    }

    /** The store's answer, or {@code fallback} when {@link #result} would throw or the answer is null. */
    public <T> T orElse(CompletionStage<T> call, T fallback) {
        try {
            T value = result(call);
            return value == null ? fallback : value;
        } catch (StoreUnavailableException e) {
            return fallback;
        }
    }
}
