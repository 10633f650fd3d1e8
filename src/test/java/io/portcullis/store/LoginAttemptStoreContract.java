package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.auth.LoginAttemptStore;
import io.portcullis.auth.LoginAttemptStore.Backoff;
import io.portcullis.auth.LoginAttemptStore.Counter;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link LoginAttemptStore} does; subclasses supply the implementation. */
abstract class LoginAttemptStoreContract {
    static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), Duration.ofMinutes(15));
    static final int FREE = 5;
    static final List<Counter> PAIR = List.of(new Counter("{n:bob}:a:198.51.100.7", FREE), new Counter("{n:bob}", 20));

    protected final MutableClock clock = MutableClock.atSystemTime();
    private LoginAttemptStore attempts;

    protected abstract LoginAttemptStore create(MutableClock clock);

    @BeforeEach
    void setUp() {
        attempts = create(clock);
    }

    private long attempt(List<Counter> group) {
        return attempts.attempt(group, BACKOFF).toCompletableFuture().join();
    }

    @Test
    void attemptWhenFiftyConcurrentThenOnlyTheFreeOnesCounted() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Long>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return attempt(PAIR);
                }));
            }
            start.countDown();
            int letThrough = 0;
            for (Future<Long> answer : answers) {
                long wait = answer.get(30, TimeUnit.SECONDS);
                letThrough += wait == 0 ? 1 : 0;
                assertTrue(wait >= 0 && wait <= BACKOFF.base().toMillis(), "wait " + wait);
            }
            assertEquals(FREE, letThrough);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void attemptWhenFreeAttemptsSpentThenBackoffDoublesUpToTheMaximum() {
        for (int i = 0; i < FREE; i++) {
            assertEquals(0, attempt(PAIR));
        }
        assertEquals(1000, attempt(PAIR));
        clock.advance(Duration.ofMillis(1000));
        assertEquals(0, attempt(PAIR));
        assertEquals(2000, attempt(PAIR));
        clock.advance(Duration.ofMillis(2000));
        assertEquals(0, attempt(PAIR));
        assertEquals(4000, attempt(PAIR));
        for (int i = 0; i < 10; i++) {
            clock.advance(BACKOFF.max());
            assertEquals(0, attempt(PAIR));
        }
        assertEquals(BACKOFF.max().toMillis(), attempt(PAIR));
    }

    @Test
    void succeededWhenOtherAddressesFailedThenTheirCountsStay() {
        List<Counter> other = List.of(new Counter("{n:bob}:a:203.0.113.9", FREE), PAIR.get(1));
        for (int i = 0; i < FREE; i++) {
            attempt(other);
        }
        attempt(PAIR);
        attempts.succeeded(PAIR, Duration.ofDays(30)).toCompletableFuture().join();

        assertEquals(1000, attempt(other));
    }

    @Test
    void attemptWhenUsernameWideCounterBacksOffThenRememberedAddressStillGetsThrough() {
        List<Counter> wide = List.of(new Counter("{n:carol}:a:192.0.2.1", FREE), new Counter("{n:carol}", 3));
        List<Counter> home = List.of(new Counter("{n:carol}:a:192.0.2.50", FREE), wide.get(1));
        attempt(home);
        attempts.succeeded(home, Duration.ofDays(30)).toCompletableFuture().join();
        List<Counter> stranger = List.of(new Counter("{n:carol}:a:192.0.2.2", FREE), wide.get(1));
        for (int i = 0; i < 3; i++) {
            assertEquals(0, attempt(List.of(new Counter("{n:carol}:a:192.0.2." + (10 + i), FREE), wide.get(1))));
        }

        assertTrue(attempt(stranger) > 0, "a new address waits for the username-wide back-off");
        assertEquals(0, attempt(home), "an address that logged in before does not");
    }

    @Test
    void succeededWhenNoRememberThenOnlyThisAttemptIsTakenBack() {
        List<Counter> address = List.of(new Counter("{a:198.51.100.7}", 2));
        assertEquals(0, attempt(address));
        attempts.succeeded(address, Duration.ZERO).toCompletableFuture().join();
        assertEquals(0, attempt(address));
        assertEquals(0, attempt(address));

        assertEquals(1000, attempt(address));
    }

    @Test
    void attemptWhenWindowPassedThenForgotten() {
        for (int i = 0; i < FREE; i++) {
            attempt(PAIR);
        }
        clock.advance(BACKOFF.window().plusSeconds(1));
        forgetExpired();

        for (int i = 0; i < FREE; i++) {
            assertEquals(0, attempt(PAIR));
        }
    }

    /** Lets the store drop what expired by {@link #clock} (Redis: expiry runs on the server's own clock). */
    protected void forgetExpired() {}
}
