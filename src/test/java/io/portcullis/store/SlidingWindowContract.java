package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a sliding-window limiter does beyond {@link RateLimiterContract}: each admitted request counts for
 * exactly one window from its own arrival, so there is no burst at a window boundary. Windows are about a
 * second long and the margins a few hundred milliseconds, because against Redis time really passes.
 */
abstract class SlidingWindowContract extends RateLimiterContract {
    private static final Quota TWO_PER_1200_MS = new Quota(2, Duration.ofMillis(1200));

    @Test
    void acquireWhenOldestRequestLeavesTheWindowThenOneMoreAllowed() {
        assertEquals(Decision.Outcome.ALLOWED, acquire("k:s", TWO_PER_1200_MS).outcome()); // A at 0
        elapse(Duration.ofMillis(600));
        assertEquals(Decision.Outcome.ALLOWED, acquire("k:s", TWO_PER_1200_MS).outcome()); // B at 600
        assertEquals(Decision.Outcome.LIMITED, acquire("k:s", TWO_PER_1200_MS).outcome());
        elapse(Duration.ofMillis(800));
        // 1400: A has left, B is still counted.
        assertEquals(Decision.Outcome.ALLOWED, acquire("k:s", TWO_PER_1200_MS).outcome());
        assertEquals(Decision.Outcome.LIMITED, acquire("k:s", TWO_PER_1200_MS).outcome());
        elapse(Duration.ofMillis(600));
        // 2000: B has left too.
        assertEquals(Decision.Outcome.ALLOWED, acquire("k:s", TWO_PER_1200_MS).outcome());
    }

    @Test
    void acquireWhenLimitedThenRetryAfterIsWhenTheOldestLeaves() {
        Quota onePerSecond = new Quota(1, Duration.ofSeconds(1));
        Decision first = acquire("k:r", onePerSecond);
        assertEquals(0, first.remaining());
        assertEquals(1, first.resetSeconds());
        Decision refused = acquire("k:r", onePerSecond);
        assertEquals(Decision.Outcome.LIMITED, refused.outcome());
        assertEquals(1, refused.resetSeconds());
        elapse(Duration.ofSeconds(refused.resetSeconds()));
        assertEquals(Decision.Outcome.ALLOWED, acquire("k:r", onePerSecond).outcome());
    }

    @Test
    void acquireWhenRefusedThenRefusalsAreNotCounted() {
        Quota onePerSecond = new Quota(1, Duration.ofSeconds(1));
        acquire("k:n", onePerSecond);
        for (int i = 0; i < 5; i++) {
            acquire("k:n", onePerSecond);
        }
        elapse(Duration.ofMillis(1000));
        assertEquals(Decision.Outcome.ALLOWED, acquire("k:n", onePerSecond).outcome());
    }
}
