package io.portcullis.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One entry of {@code routes:}: a path prefix and where its requests go.
 *
 * @param id a stable name for logs and metrics (defaults to the prefix)
 * @param upstreams proxy targets, used round-robin; empty for a direct route
 * @param rateLimit the route's own limit; empty means the shared default buckets
 * @param rateLimited false when the route opts out of rate limiting ({@code rate-limit: off})
 */
public record RouteConfig(
        String id,
        String prefix,
        List<URI> upstreams,
        AuthMode auth,
        List<String> scopes,
        Optional<RateLimitsConfig.Limit> rateLimit,
        boolean rateLimited,
        boolean stripPrefix,
        Duration timeout,
        boolean forwardAuthorization,
        Optional<DirectConfig> direct) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public RouteConfig {
        upstreams = List.copyOf(upstreams);
        scopes = List.copyOf(scopes);
    }

    /** How callers of a route must identify themselves. */
    public enum AuthMode { NONE, JWT, API_KEY }

    /** A route answered from Redis instead of an upstream. */
    public record DirectConfig(String redisKey, boolean writes) {}
}
