package io.portcullis.quota;

import java.time.Duration;

/**
 * At most {@code limit} requests per {@code window}.
 *
 * @param limit at least 1
 * @param window at least one millisecond
 */
public record Quota(long limit, Duration window) {

    public Quota {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1 (was " + limit + ")");
        }
        if (window.toMillis() < 1) {
            throw new IllegalArgumentException("window must be at least 1ms (was " + window + ")");
        }
    }
}
