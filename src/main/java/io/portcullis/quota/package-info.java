/**
 * The rate-limit quota types every stage and store shares: a request's charge (bucket, policy, quota), a
 * limiter's decision, and a count made early in another check's round trip. Plain immutable values; depends on
 * no other gateway package.
 */
package io.portcullis.quota;
