package io.portcullis.store;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops calls to a dependency that keeps failing. Closed, every call goes through; after
 * {@code failureThreshold} consecutive failures (errors or timeouts) it opens, and while open callers fail at
 * once instead of waiting on the dependency. It does not half-open on a timer: the owner probes in the
 * background and calls {@link #close} when a probe succeeds. Each change of state is logged once (WARN on
 * opening, INFO on closing), never once per call. Thread-safe; {@link #allowsCalls} and {@link #onSuccess}
 * are a volatile read and usually no write, so they cost nothing on the hot path.
 */
final class CircuitBreaker {
    /** Consecutive failures that open the breaker. */
    static final int DEFAULT_FAILURE_THRESHOLD = 3;

    private static final Logger LOG = LoggerFactory.getLogger(CircuitBreaker.class);

    /** Whether calls go through. */
    enum State {
        CLOSED,
        OPEN
    }

    /** The state, since when, and why it last opened (empty while closed). */
    record Status(State state, Instant since, String reason) {}

    private final String name;
    private final int failureThreshold;
    private final Clock clock;
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private volatile Status status;

    /**
     * @param name the dependency, for the log
     * @param initiallyOpen true when the dependency is not known to work yet (not connected)
     */
    CircuitBreaker(String name, int failureThreshold, Clock clock, boolean initiallyOpen) {
        if (failureThreshold < 1) {
            throw new IllegalArgumentException("failureThreshold must be at least 1 (was " + failureThreshold + ")");
        }
        this.name = name;
        this.failureThreshold = failureThreshold;
        this.clock = clock;
        this.status = initiallyOpen
                ? new Status(State.OPEN, clock.instant(), "not connected yet")
                : new Status(State.CLOSED, clock.instant(), "");
    }

    boolean allowsCalls() {
        return status.state() == State.CLOSED;
    }

    Status status() {
        return status;
    }

    int consecutiveFailures() {
        return consecutiveFailures.get();
    }

    /** A call succeeded: the failure streak ends. */
    void onSuccess() {
        if (consecutiveFailures.get() != 0) {
            consecutiveFailures.set(0);
        }
    }

    /** A call failed or timed out; the streak's {@code failureThreshold}th failure opens the breaker. */
    void onFailure(String reason) {
        if (consecutiveFailures.incrementAndGet() >= failureThreshold) {
            open(failureThreshold + " consecutive failures, last: " + reason);
        }
    }

    /** Opens at once (for example the connection was lost). Does nothing if already open. */
    synchronized void open(String reason) {
        if (status.state() == State.OPEN) {
            return;
        }
        status = new Status(State.OPEN, clock.instant(), reason);
        LOG.warn("{} unavailable ({}): calls fail fast until a background probe succeeds", name, reason);
    }

    /** A probe succeeded: calls go through again. Does nothing if already closed. */
    synchronized void close() {
        consecutiveFailures.set(0);
        if (status.state() == State.CLOSED) {
            return;
        }
        Status was = status;
        status = new Status(State.CLOSED, clock.instant(), "");
        LOG.info(
                "{} available again after {} ms",
                name,
                clock.millis() - was.since().toEpochMilli());
    }
}
