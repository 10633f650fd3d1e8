package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * What a token-bucket limiter does beyond {@link RateLimiterContract}: a full bucket allows a burst of the
 * limit, then tokens come back evenly, one every window / limit. Against Redis time really passes, so the
 * refill interval is a second and the margins most of one.
 */
abstract class TokenBucketContract extends RateLimiterContract {
    /** One token a second, four at most. */
    private static final Quota FOUR_PER_4_S = new Quota(4, Duration.ofSeconds(4));

    @Test
    void acquireWhenBurstSpentThenOneTokenPerIntervalComesBack() {
        for (long remaining = 3; remaining >= 0; remaining--) {
            assertEquals(remaining, acquire("k:t", FOUR_PER_4_S).remaining());
        }
        Decision refused = acquire("k:t", FOUR_PER_4_S);
        assertEquals(Decision.Outcome.LIMITED, refused.outcome());
        assertEquals(1, refused.resetSeconds(), "the next token is a second away");
        elapse(Duration.ofMillis(1100));
        assertEquals(Decision.Outcome.ALLOWED, acquire("k:t", FOUR_PER_4_S).outcome());
        assertEquals(Decision.Outcome.LIMITED, acquire("k:t", FOUR_PER_4_S).outcome());
    }

    @Test
    void acquireWhenIdleLongerThanTheWindowThenTheBucketIsFullButNoFuller() {
        acquire("k:f", FOUR_PER_4_S);
        acquire("k:f", FOUR_PER_4_S);
        elapse(Duration.ofSeconds(5));
        for (int i = 0; i < 4; i++) {
            assertEquals(Decision.Outcome.ALLOWED, acquire("k:f", FOUR_PER_4_S).outcome());
        }
        assertEquals(Decision.Outcome.LIMITED, acquire("k:f", FOUR_PER_4_S).outcome());
    }
}
