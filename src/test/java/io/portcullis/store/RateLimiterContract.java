package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.ratelimit.RateLimiter;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link RateLimiter} does, whatever its algorithm; subclasses supply the implementation, and
 * the algorithm's own contracts ({@link SlidingWindowContract}, {@link TokenBucketContract}) add what only
 * it does.
 */
abstract class RateLimiterContract {
    static final Quota THREE_PER_MINUTE = new Quota(3, Duration.ofMinutes(1));

    protected final MutableClock clock = MutableClock.atSystemTime();
    private RateLimiter limiter;

    protected abstract RateLimiter create(MutableClock clock);

    @BeforeEach
    void setUp() {
        limiter = create(clock);
    }

    protected Decision acquire(String bucket, Quota quota) {
        return limiter.acquire(bucket, quota).toCompletableFuture().join();
    }

    protected Decision acquire(String bucket, String policy, Quota quota) {
        return limiter.acquire(bucket, policy, quota).toCompletableFuture().join();
    }

    /**
     * Lets {@code duration} pass for the limiter: the test clock for in-process limiters; real time for
     * Redis, whose scripts read the server's clock (so tests that use this keep their windows short).
     */
    protected void elapse(Duration duration) {
        clock.advance(duration);
    }

    @Test
    void acquireWhenWithinLimitThenAllowedWithRemainingCountingDown() {
        for (long remaining = 2; remaining >= 0; remaining--) {
            Decision decision = acquire("k:a", THREE_PER_MINUTE);
            assertEquals(Decision.Outcome.ALLOWED, decision.outcome());
            assertEquals(remaining, decision.remaining());
            assertEquals(3, decision.limit());
            assertTrue(
                    decision.resetSeconds() >= 1 && decision.resetSeconds() <= 60, "reset " + decision.resetSeconds());
        }
    }

    @Test
    void acquireWhenOverLimitThenLimitedWithRetryAfter() {
        for (int i = 0; i < 3; i++) {
            acquire("k:a", THREE_PER_MINUTE);
        }
        Decision refused = acquire("k:a", THREE_PER_MINUTE);
        assertEquals(Decision.Outcome.LIMITED, refused.outcome());
        assertEquals(0, refused.remaining());
        assertTrue(refused.resetSeconds() >= 1 && refused.resetSeconds() <= 60);
    }

    @Test
    void acquireWhenTwoBucketsThenCountedSeparately() {
        for (int i = 0; i < 3; i++) {
            acquire("k:a", THREE_PER_MINUTE);
        }
        assertEquals(Decision.Outcome.ALLOWED, acquire("k:b", THREE_PER_MINUTE).outcome());
        assertEquals(Decision.Outcome.LIMITED, acquire("k:a", THREE_PER_MINUTE).outcome());
    }

    @Test
    void acquireWhenTwoPoliciesOfOneBucketThenCountedSeparately() {
        for (int i = 0; i < 3; i++) {
            acquire("k:a", "route-1", THREE_PER_MINUTE);
        }
        assertEquals(
                Decision.Outcome.LIMITED,
                acquire("k:a", "route-1", THREE_PER_MINUTE).outcome());
        assertEquals(
                Decision.Outcome.ALLOWED,
                acquire("k:a", "route-2", THREE_PER_MINUTE).outcome());
        assertEquals(
                Decision.Outcome.ALLOWED,
                acquire("k:a", "default", THREE_PER_MINUTE).outcome());
    }

    @Test
    void acquireWhenConcurrentThenExactlyLimitAllowed() {
        Quota quota = new Quota(50, Duration.ofMinutes(1));
        List<CompletableFuture<Decision>> decisions = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            decisions.add(CompletableFuture.supplyAsync(() -> acquire("k:busy", quota)));
        }
        long allowed = decisions.stream()
                .map(CompletableFuture::join)
                .filter(Decision::allowed)
                .count();
        assertEquals(50, allowed);
    }
}
