package io.portcullis.config;

/**
 * The {@code revocation:} section.
 *
 * @param mirror {@code revocation.mirror}: each node keeps a copy of the live revocations, fed by a Redis Stream,
 *     and answers revocation checks from it without a Redis round trip while it is current (see
 *     docs/revocation.md). Only with Redis, and not in Redis Cluster, where the checks always go to Redis.
 */
public record RevocationConfig(boolean mirror) {
    /** On: a revocation check costs no round trip, a revocation call about one more (see docs/revocation.md). */
    public static final boolean DEFAULT_MIRROR = true;

    public static RevocationConfig defaults() {
        return new RevocationConfig(DEFAULT_MIRROR);
    }
}
