package io.portcullis.store;

import io.portcullis.auth.LoginAttemptStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link LoginAttemptStore} in this process, for one node: the same rules as {@code login-attempt.lua} and
 * {@code login-success.lua}, each call done under one lock so that checking and counting a group is atomic.
 * Bounded to {@code maximumCounters}. Thread-safe.
 */
public final class InMemoryLoginAttemptStore implements LoginAttemptStore {
    /** Default bound on live counters. */
    public static final long DEFAULT_MAXIMUM_COUNTERS = 500_000;

    private static final int MAX_DOUBLINGS = 40;

    private final ExpiringMap<String, Attempts> counters;
    private final Object lock = new Object();

    public InMemoryLoginAttemptStore(Clock clock, long maximumCounters) {
        this.counters = new ExpiringMap<>(clock, maximumCounters);
    }

    /** What one counter holds: attempts, the epoch ms before which none may be made, a success mark. */
    private record Attempts(long count, long nextAllowed, boolean succeeded) {
        static final Attempts NONE = new Attempts(0, 0, false);
    }

    @Override
    public CompletionStage<Long> attempt(List<Counter> group, Backoff backoff) {
        synchronized (lock) {
            long now = counters.now();
            boolean trusted = current(group.get(0).key()).succeeded();
            long wait = 0;
            for (int i = 0; i < group.size(); i++) {
                if (i == 0 || !trusted) {
                    wait = Math.max(wait, current(group.get(i).key()).nextAllowed() - now);
                }
            }
            if (wait > 0) {
                return CompletableFuture.completedFuture(wait);
            }
            for (Counter counter : group) {
                counters.compute(counter.key(), entry -> {
                    Attempts old = entry == null ? Attempts.NONE : entry.value();
                    long count = old.count() + 1;
                    long next = old.nextAllowed();
                    long keep = backoff.window().toMillis();
                    if (count >= counter.free()) {
                        long doublings = Math.min(count - counter.free(), MAX_DOUBLINGS);
                        long delay = (long) Math.min(
                                backoff.max().toMillis(), backoff.base().toMillis() * Math.pow(2, doublings));
                        next = now + delay;
                        keep = Math.max(keep, delay);
                    }
                    long expires = Math.max(entry == null ? 0 : entry.expiresAtMillis(), now + keep);
                    return new ExpiringMap.Entry<>(new Attempts(count, next, old.succeeded()), expires);
                });
            }
            return CompletableFuture.completedFuture(0L);
        }
    }

    @Override
    public CompletionStage<Void> succeeded(List<Counter> group, Duration remember) {
        boolean remembered = !remember.isZero() && !remember.isNegative();
        synchronized (lock) {
            for (int i = 0; i < group.size(); i++) {
                boolean mark = remembered && i == 0;
                counters.compute(group.get(i).key(), entry -> {
                    if (entry == null && !mark) {
                        return null;
                    }
                    Attempts old = entry == null ? Attempts.NONE : entry.value();
                    long expires = entry == null ? 0 : entry.expiresAtMillis();
                    if (mark) {
                        expires = Math.max(expires, counters.now() + remember.toMillis());
                    }
                    return new ExpiringMap.Entry<>(
                            new Attempts(Math.max(0, old.count() - 1), old.nextAllowed(), old.succeeded() || mark),
                            expires);
                });
            }
            return CompletableFuture.completedFuture(null);
        }
    }

    private Attempts current(String key) {
        Optional<Attempts> found = counters.get(key);
        return found.orElse(Attempts.NONE);
    }
}
