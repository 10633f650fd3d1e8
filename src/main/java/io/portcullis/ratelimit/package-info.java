/**
 * Rate limiting and counting: a {@link io.portcullis.ratelimit.RateLimiter} decides per bucket, a
 * {@link io.portcullis.ratelimit.CounterStore} counts events such as failed logins. Both count atomically,
 * in Redis across nodes or in process on one node.
 */
package io.portcullis.ratelimit;
