package io.portcullis.config;

/**
 * The {@code revocation:} section.
 *
 * @param mirror {@code revocation.mirror}: each node keeps a copy of the live revocations, fed by a Redis Stream,
 *     and answers revocation checks from it without a Redis round trip while it is current (see
 *     docs/revocation.md). Only with Redis, and not in Redis Cluster, where the checks always go to Redis.
 */
public record RevocationConfig(boolean mirror) {
    /**
     * Off: with the mirror a Redis outage is noticed only when the stream connection's close is read, so the
     * first checks after Redis goes away may still be answered from the mirror instead of by
     * {@code redis.on-failure.revocation} (see docs/revocation.md).
     */
    public static final boolean DEFAULT_MIRROR = false;

    public static RevocationConfig defaults() {
        return new RevocationConfig(DEFAULT_MIRROR);
    }
}
