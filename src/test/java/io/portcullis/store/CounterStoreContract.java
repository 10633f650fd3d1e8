package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.ratelimit.CounterStore;
import io.portcullis.ratelimit.CounterStore.Count;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link CounterStore} does; subclasses supply the implementation. */
abstract class CounterStoreContract {
    static final Duration WINDOW = Duration.ofMinutes(15);

    protected final MutableClock clock = MutableClock.atSystemTime();
    private CounterStore counters;

    protected abstract CounterStore create(MutableClock clock);

    @BeforeEach
    void setUp() {
        counters = create(clock);
    }

    @Test
    void incrementWhenRepeatedThenCountsUpWithinOneWindow() {
        assertEquals(
                1,
                counters.increment("login:alice", WINDOW)
                        .toCompletableFuture()
                        .join()
                        .value());
        assertEquals(
                2,
                counters.increment("login:alice", WINDOW)
                        .toCompletableFuture()
                        .join()
                        .value());
        Count third =
                counters.increment("login:alice", WINDOW).toCompletableFuture().join();
        assertEquals(3, third.value());
        assertTrue(third.resetSeconds() > 0 && third.resetSeconds() <= WINDOW.toSeconds());
        assertEquals(
                1,
                counters.increment("login:bob", WINDOW)
                        .toCompletableFuture()
                        .join()
                        .value());
    }

    @Test
    void peekWhenCountedThenValueWithoutIncrement() {
        assertEquals(
                0, counters.peek("login:alice").toCompletableFuture().join().value());
        counters.increment("login:alice", WINDOW).toCompletableFuture().join();
        assertEquals(
                1, counters.peek("login:alice").toCompletableFuture().join().value());
        assertEquals(
                1, counters.peek("login:alice").toCompletableFuture().join().value());
    }

    @Test
    void resetWhenCountedThenStartsAgain() {
        counters.increment("login:alice", WINDOW).toCompletableFuture().join();
        counters.reset("login:alice").toCompletableFuture().join();
        assertEquals(
                0, counters.peek("login:alice").toCompletableFuture().join().value());
        assertEquals(
                1,
                counters.increment("login:alice", WINDOW)
                        .toCompletableFuture()
                        .join()
                        .value());
    }
}
