/**
 * Rate limiting and counting: {@link io.portcullis.ratelimit.RateLimitFilter} (stage 6) asks a
 * {@link io.portcullis.ratelimit.RateLimiter} per caller bucket and answers with the IETF RateLimit fields; a
 * {@link io.portcullis.ratelimit.CounterStore} counts events such as failed logins. Both count atomically,
 * in Redis across nodes or in process on one node.
 */
package io.portcullis.ratelimit;
