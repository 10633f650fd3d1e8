/**
 * Rate limiting and counting: {@link io.portcullis.ratelimit.RateLimitStage} (the RATE_LIMIT stage) asks a
 * {@link io.portcullis.ratelimit.RateLimiter} per caller bucket and answers with the IETF RateLimit fields; a
 * {@link io.portcullis.ratelimit.CounterStore} counts events such as failed logins. Both count atomically,
 * in Redis across nodes or in process on one node; {@link io.portcullis.ratelimit.Charges} says what a request
 * counts, so that the API-key and JWT stages can count it in the Redis call of their own check.
 */
package io.portcullis.ratelimit;
