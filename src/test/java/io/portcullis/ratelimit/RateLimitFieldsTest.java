package io.portcullis.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitFieldsTest {

    @Test
    void policyWhenQuotaThenQuotedNameWithQuotaAndWindowSeconds() {
        assertEquals(
                "\"default\";q=100;w=60", RateLimitFields.policy("default", new Quota(100, Duration.ofMinutes(1))));
    }

    @Test
    void rateLimitWhenDecisionThenRemainingAndReset() {
        assertEquals(
                "\"default\";r=42;t=17",
                RateLimitFields.rateLimit("default", new Decision(Decision.Outcome.ALLOWED, 100, 42, 17)));
    }

    @Test
    void stringWhenQuoteBackslashOrNonAsciiThenEscapedOrReplaced() {
        assertEquals("\"/api/\\\"x\\\\y?\"", RateLimitFields.string("/api/\"x\\y\u00e9"));
    }
}
