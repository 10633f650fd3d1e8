package io.portcullis.ratelimit;

import io.portcullis.chain.ClientAddress;
import io.portcullis.chain.GatewayFilter;
import io.portcullis.chain.Identity;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.route.Route;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Stage 6, rate limiting: counts the request in its caller's bucket and refuses it with 429
 * {@code Too Many Requests} and {@code Retry-After} when the quota is spent. The bucket is the API key
 * ({@code k:<id>}), else the JWT subject ({@code u:<sub>}), else the client address after trusted-proxy
 * handling ({@code a:<address>}). A route with its own {@code rate-limit} counts its callers under the route
 * id; other routes share the {@code default} policy of each key or user and the {@code anonymous} policy of
 * each address. Every answer on a limited route carries {@code RateLimit-Policy} and {@code RateLimit};
 * while Redis is unreachable under {@code on-failure.rate-limit: deny} the answer is 503 with
 * {@code Retry-After}. Skipped for routes with {@code rate-limit: off}, with {@code rate-limits.enabled:
 * false}, and for the gateway's own endpoints. Thread-safe.
 *
 * @see RateLimitFields
 */
public final class RateLimitFilter extends GatewayFilter {
    public static final String DEFAULT_POLICY = "default";
    public static final String ANONYMOUS_POLICY = "anonymous";

    private final RateLimitsConfig config;
    private final RateLimiter limiter;

    public RateLimitFilter(RateLimitsConfig config, RateLimiter limiter) {
        this.config = config;
        this.limiter = limiter;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !config.enabled() || RequestAttributes.ROUTE.get(request).flatMap(Route::config)
                .map(route -> !route.rateLimited()).orElse(true);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Route route = RequestAttributes.ROUTE.require(request);
        RouteConfig routeConfig = route.config().orElseThrow();
        Identity identity = RequestAttributes.identity(request);
        String bucket = bucket(identity, request);
        boolean anonymous = identity.clientId().isEmpty() && identity.userId().isEmpty();
        String policy = routeConfig.rateLimit().isPresent() ? route.id() : anonymous ? ANONYMOUS_POLICY : DEFAULT_POLICY;
        RateLimitsConfig.Limit limit = routeConfig.rateLimit()
                .orElse(anonymous ? config.anonymous() : config.defaultLimit());
        Quota quota = new Quota(limit.limit(), limit.window());

        Decision decision = limiter.acquire(bucket, policy, quota).toCompletableFuture().join();
        response.setHeader(RateLimitFields.POLICY, RateLimitFields.policy(policy, quota));
        switch (decision.outcome()) {
            case ALLOWED -> {
                response.setHeader(RateLimitFields.RATE_LIMIT, RateLimitFields.rateLimit(policy, decision));
                chain.doFilter(request, response);
            }
            case LIMITED -> {
                response.setHeader(RateLimitFields.RATE_LIMIT, RateLimitFields.rateLimit(policy, decision));
                ProblemWriter.write(request, response, Problem.of(ProblemType.TOO_MANY_REQUESTS,
                        "The rate limit of this route is spent; retry after " + decision.resetSeconds() + " s.")
                        .withHeader("Retry-After", Long.toString(Math.max(1, decision.resetSeconds()))));
            }
            // Nothing is known of the count, so no RateLimit field: only the policy.
            case UNAVAILABLE -> ProblemWriter.write(request, response,
                    Problem.of(ProblemType.SERVICE_UNAVAILABLE, "Rate limits cannot be counted right now.")
                            .withHeader("Retry-After", Long.toString(Math.max(1, decision.resetSeconds()))));
        }
    }

    /** {@code k:<API key id>}, else {@code u:<JWT subject>}, else {@code a:<client address>}. */
    static String bucket(Identity identity, HttpServletRequest request) {
        if (identity.clientId().isPresent()) {
            return "k:" + identity.clientId().get();
        }
        if (identity.userId().isPresent()) {
            return "u:" + identity.userId().get();
        }
        return "a:" + RequestAttributes.CLIENT.get(request).map(ClientAddress::address).orElse(request.getRemoteAddr());
    }
}
