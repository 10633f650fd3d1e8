package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.ratelimit.Decision;
import io.portcullis.ratelimit.Quota;
import io.portcullis.ratelimit.RateLimiter;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every fixed-window {@link RateLimiter} does; subclasses supply the implementation. */
abstract class RateLimiterContract {
    static final Quota THREE_PER_MINUTE = new Quota(3, Duration.ofMinutes(1));

    protected final MutableClock clock = MutableClock.atSystemTime();
    private RateLimiter limiter;

    protected abstract RateLimiter create(MutableClock clock);

    @BeforeEach
    void setUp() {
        limiter = create(clock);
    }

    private Decision acquire(String bucket, Quota quota) {
        return limiter.acquire(bucket, quota).toCompletableFuture().join();
    }

    @Test
    void acquireWhenWithinLimitThenAllowedWithRemainingCountingDown() {
        for (long remaining = 2; remaining >= 0; remaining--) {
            Decision decision = acquire("k:a", THREE_PER_MINUTE);
            assertEquals(Decision.Outcome.ALLOWED, decision.outcome());
            assertEquals(remaining, decision.remaining());
            assertEquals(3, decision.limit());
            assertTrue(decision.resetSeconds() >= 1 && decision.resetSeconds() <= 60, "reset " + decision.resetSeconds());
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
    void acquireWhenConcurrentThenExactlyLimitAllowed() {
        Quota quota = new Quota(50, Duration.ofMinutes(1));
        List<CompletableFuture<Decision>> decisions = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            decisions.add(CompletableFuture.supplyAsync(() -> acquire("k:busy", quota)));
        }
        long allowed = decisions.stream().map(CompletableFuture::join).filter(Decision::allowed).count();
        assertEquals(50, allowed);
    }
}
