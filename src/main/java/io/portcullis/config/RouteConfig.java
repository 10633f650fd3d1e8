package io.portcullis.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One entry of {@code routes:}: a path prefix and where its requests go: proxied to upstreams, answered from
 * Redis ({@code direct}), or, with {@code webapp: true}, passed on to the servlets of the web application the
 * gateway's filters are embedded in.
 *
 * @param id a stable name for logs and metrics (defaults to the prefix)
 * @param upstreams proxy targets, used round-robin; empty for a direct or web-application route
 * @param rateLimit the route's own limit; empty means the shared default buckets
 * @param rateLimited false when the route opts out of rate limiting ({@code rate-limit: off})
 * @param bodies the route's own body limit and extra media types
 * @param pathParameters whether request paths may carry path parameters ({@code /list;page=2}, key
 *     {@code path-parameters}); routes match on the path without them, and they are forwarded after their segment
 * @param cors the CORS policy in force on the route: its own {@code cors}, else {@code gateway.cors}; empty when
 *     neither is set or the route says {@code cors: off}
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
        Optional<DirectConfig> direct,
        Bodies bodies,
        boolean pathParameters,
        Optional<CorsConfig> cors) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public RouteConfig {
        upstreams = List.copyOf(upstreams);
        scopes = List.copyOf(scopes);
    }

    /** A route without CORS. */
    public RouteConfig(
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
            Optional<DirectConfig> direct,
            Bodies bodies,
            boolean pathParameters) {
        this(
                id,
                prefix,
                upstreams,
                auth,
                scopes,
                rateLimit,
                rateLimited,
                stripPrefix,
                timeout,
                forwardAuthorization,
                direct,
                bodies,
                pathParameters,
                Optional.empty());
    }

    /** A route with the WAF's body limit and media types, without path parameters. */
    public RouteConfig(
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
        this(
                id,
                prefix,
                upstreams,
                auth,
                scopes,
                rateLimit,
                rateLimited,
                stripPrefix,
                timeout,
                forwardAuthorization,
                direct,
                Bodies.DEFAULT,
                false);
    }

    /** A route with its own body settings, without path parameters. */
    public RouteConfig(
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
            Optional<DirectConfig> direct,
            Bodies bodies) {
        this(
                id,
                prefix,
                upstreams,
                auth,
                scopes,
                rateLimit,
                rateLimited,
                stripPrefix,
                timeout,
                forwardAuthorization,
                direct,
                bodies,
                false);
    }

    /** A route with the WAF's body settings and the given path-parameter choice. */
    public RouteConfig(
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
            Optional<DirectConfig> direct,
            boolean pathParameters) {
        this(
                id,
                prefix,
                upstreams,
                auth,
                scopes,
                rateLimit,
                rateLimited,
                stripPrefix,
                timeout,
                forwardAuthorization,
                direct,
                Bodies.DEFAULT,
                pathParameters);
    }

    /**
     * What request bodies a route accepts beyond {@code waf.max-body} and {@code waf.allowed-content-types}.
     *
     * @param maxBody the route's {@code max-body} in bytes, replacing {@code waf.max-body}; empty keeps it
     * @param extraContentTypes the route's {@code allowed-content-types}, added to the WAF's (for instance
     *     {@code application/octet-stream} on an upload route)
     */
    public record Bodies(OptionalLong maxBody, List<String> extraContentTypes) {
        public static final Bodies DEFAULT = new Bodies(OptionalLong.empty(), List.of());

        public Bodies {
            extraContentTypes = List.copyOf(extraContentTypes);
        }
    }

    /**
     * True for a route with {@code webapp: true}: after every stage has let a request through, the filter chain
     * goes on to the web application's own servlet for the path; nothing is proxied.
     */
    public boolean servedByWebapp() {
        return upstreams.isEmpty() && direct.isEmpty();
    }

    /** How callers of a route must identify themselves. */
    public enum AuthMode {
        NONE,
        JWT,
        API_KEY
    }

    /**
     * A route answered from Redis instead of an upstream.
     *
     * @param redisKey the key template, used without the gateway's key prefix
     * @param path the names of the path segments after the prefix ({@code path: /{list}/{item}}); empty when
     *     the template uses none, and then the rest of the path is not used
     * @param writes whether PUT and DELETE are allowed besides GET and HEAD
     * @param maxBody the largest value a PUT may store, in bytes
     */
    public record DirectConfig(KeyTemplate redisKey, List<String> path, boolean writes, long maxBody) {
        /** The largest value a PUT may store unless {@code max-body} says otherwise. */
        public static final long DEFAULT_MAX_BODY = 64 * 1024;

        public DirectConfig {
            path = List.copyOf(path);
        }
    }
}
