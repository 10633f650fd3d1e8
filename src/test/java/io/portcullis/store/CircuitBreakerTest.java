package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

    @Test
    void onFailureWhenThresholdReachedThenOpensAndCallsStop() {
        CircuitBreaker breaker = new CircuitBreaker("test", 3, clock, false);
        breaker.onFailure("timeout");
        breaker.onFailure("timeout");
        assertTrue(breaker.allowsCalls());
        clock.advance(Duration.ofSeconds(1));
        breaker.onFailure("timeout");
        assertFalse(breaker.allowsCalls());
        assertEquals(CircuitBreaker.State.OPEN, breaker.status().state());
        assertEquals(clock.instant(), breaker.status().since());
        assertTrue(breaker.status().reason().contains("3 consecutive failures"));
    }

    @Test
    void onSuccessWhenBetweenFailuresThenStreakRestarts() {
        CircuitBreaker breaker = new CircuitBreaker("test", 3, clock, false);
        breaker.onFailure("x");
        breaker.onFailure("x");
        breaker.onSuccess();
        breaker.onFailure("x");
        breaker.onFailure("x");
        assertTrue(breaker.allowsCalls());
        assertEquals(2, breaker.consecutiveFailures());
    }

    @Test
    void closeWhenProbeSucceedsThenCallsResumeAndStreakIsZero() {
        CircuitBreaker breaker = new CircuitBreaker("test", 1, clock, false);
        breaker.onFailure("x");
        assertFalse(breaker.allowsCalls());
        clock.advance(Duration.ofSeconds(5));
        breaker.close();
        assertTrue(breaker.allowsCalls());
        assertEquals(0, breaker.consecutiveFailures());
        assertEquals(clock.instant(), breaker.status().since());
    }

    @Test
    void openWhenAlreadyOpenThenKeepsFirstReasonAndTime() {
        CircuitBreaker breaker = new CircuitBreaker("test", 1, clock, false);
        breaker.open("connection lost");
        Instant since = clock.instant();
        clock.advance(Duration.ofSeconds(3));
        breaker.open("again");
        breaker.onFailure("more");
        assertEquals(since, breaker.status().since());
        assertEquals("connection lost", breaker.status().reason());
    }

    @Test
    void constructorWhenInitiallyOpenThenNoCallsUntilClosed() {
        CircuitBreaker breaker = new CircuitBreaker("test", 3, clock, true);
        assertFalse(breaker.allowsCalls());
        breaker.close();
        assertTrue(breaker.allowsCalls());
    }

    @Test
    void constructorWhenThresholdBelowOneThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> new CircuitBreaker("test", 0, clock, false));
    }
}
