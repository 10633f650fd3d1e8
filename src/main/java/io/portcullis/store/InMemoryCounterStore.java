package io.portcullis.store;

import io.portcullis.ratelimit.CounterStore;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link CounterStore} in this process: the single-node default and the Redis counter's fallback. Bounded to
 * {@code maximumCounters}. Thread-safe: increments are atomic per key.
 */
public final class InMemoryCounterStore implements CounterStore {
    /** Default bound on live counters. */
    public static final long DEFAULT_MAXIMUM_COUNTERS = 500_000;

    private final ExpiringMap<String, Long> counters;

    public InMemoryCounterStore(Clock clock, long maximumCounters) {
        this.counters = new ExpiringMap<>(clock, maximumCounters);
    }

    @Override
    public CompletionStage<Count> increment(String key, Duration window) {
        return CompletableFuture.completedFuture(incrementNow(key, window));
    }

    Count incrementNow(String key, Duration window) {
        long now = counters.now();
        long[] result = new long[2];
        counters.compute(key, old -> {
            ExpiringMap.Entry<Long> next = old == null
                    ? new ExpiringMap.Entry<>(1L, now + window.toMillis())
                    : new ExpiringMap.Entry<>(old.value() + 1, old.expiresAtMillis());
            result[0] = next.value();
            result[1] = next.expiresAtMillis();
            return next;
        });
        return new Count(result[0], LocalAlgorithm.secondsUntil(result[1], now));
    }

    @Override
    public CompletionStage<Count> peek(String key) {
        long now = counters.now();
        long[] result = new long[2];
        counters.compute(key, old -> {
            if (old != null) {
                result[0] = old.value();
                result[1] = LocalAlgorithm.secondsUntil(old.expiresAtMillis(), now);
            }
            return old;
        });
        return CompletableFuture.completedFuture(new Count(result[0], result[1]));
    }

    @Override
    public CompletionStage<Void> reset(String key) {
        counters.remove(key);
        return CompletableFuture.completedFuture(null);
    }
}
