package io.portcullis.quota;

import java.util.Objects;

/**
 * A rate limiter's answer for one request, with what the IETF RateLimit fields need.
 *
 * @param outcome see {@link Outcome}
 * @param limit the quota of the window
 * @param remaining requests left in the current window after this one
 * @param resetSeconds seconds until the window resets (also the {@code Retry-After} of a refusal), at least 1
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/">RateLimit header fields</a>
 */
public record Decision(Outcome outcome, long limit, long remaining, long resetSeconds) {

    public Decision {
        Objects.requireNonNull(outcome, "outcome");
    }

    /** How a rate-limit check ended. */
    public enum Outcome {
        ALLOWED,
        /** Over the limit: 429 with {@code Retry-After}. */
        LIMITED,
        /** The shared store could not count and {@code redis.on-failure.rate-limit} is {@code deny}: 503. */
        UNAVAILABLE
    }

    public boolean allowed() {
        return outcome == Outcome.ALLOWED;
    }

    public static Decision unavailable(Quota quota, long retryAfterSeconds) {
        return new Decision(Outcome.UNAVAILABLE, quota.limit(), 0, Math.max(1, retryAfterSeconds));
    }
}
