package io.portcullis.config;

import java.time.Duration;

/** The {@code rate-limits:} section. */
public record RateLimitsConfig(boolean enabled, Algorithm algorithm, Limit defaultLimit, Limit anonymous) {

    public enum Algorithm { FIXED_WINDOW, SLIDING_WINDOW, TOKEN_BUCKET }

    /** At most {@code limit} requests per {@code window}. */
    public record Limit(long limit, Duration window) {}
}
