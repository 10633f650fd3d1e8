package io.portcullis.config;

import java.time.Duration;
import java.util.Objects;

/** The {@code rate-limits:} section. */
public record RateLimitsConfig(boolean enabled, Algorithm algorithm, Limit defaultLimit, Limit anonymous) {

    public enum Algorithm {
        FIXED_WINDOW,
        SLIDING_WINDOW,
        TOKEN_BUCKET
    }

    /** At most {@code limit} requests per {@code window}. */
    public record Limit(long limit, Duration window) {
        /** Checked by {@code ConfigLoader} with the key path first; this keeps a hand-built limit as sane. */
        public Limit {
            Objects.requireNonNull(window, "window");
            if (limit < 1) {
                throw new IllegalArgumentException("a rate limit must allow at least 1 request (was " + limit + ")");
            }
            if (window.toMillis() < 1000 || window.toMillis() % 1000 != 0) {
                throw new IllegalArgumentException(
                        "a rate-limit window must be a whole number of seconds, at least 1s" + " (was " + window + ")");
            }
        }
    }
}
