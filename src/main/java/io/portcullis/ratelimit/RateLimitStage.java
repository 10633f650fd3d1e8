package io.portcullis.ratelimit;

import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Stage;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.chain.StoreWait;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Counted;
import io.portcullis.quota.Decision;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The rate-limit stage ({@link io.portcullis.chain.FilterStage#RATE_LIMIT}): counts the request in its caller's bucket and refuses it with 429
 * {@code Too Many Requests} and {@code Retry-After} when the quota is spent. The bucket is the API key
 * ({@code k:<id>}), else the JWT subject ({@code u:<sub>}), else the client address after trusted-proxy
 * handling ({@code a:<address>}). A route with its own {@code rate-limit} counts its callers under the route
 * id; other routes share the {@code default} policy of each key or user and the {@code anonymous} policy of
 * each address. Every answer on a limited route carries {@code RateLimit-Policy} and {@code RateLimit};
 * while Redis is unreachable under {@code on-failure.rate-limit: deny} the answer is 503 with
 * {@code Retry-After}. Skipped for routes with {@code rate-limit: off}, with {@code rate-limits.enabled:
 * false}, and for the gateway's own endpoints. A request that an earlier stage already counted in the round
 * trip of its own check ({@link RequestAttributes#COUNTED}, same charge) is answered from that decision, so
 * it costs Redis no second round trip. Thread-safe.
 *
 * @see Charges
 * @see RateLimitFields
 */
public final class RateLimitStage implements Stage {
    private final Charges charges;
    private final RateLimiter limiter;
    private final StoreWait storeWait;

    public RateLimitStage(RateLimitsConfig config, RateLimiter limiter) {
        this(new Charges(config), limiter);
    }

    public RateLimitStage(Charges charges, RateLimiter limiter) {
        this(charges, limiter, StoreWait.DEFAULT);
    }

    /** @param storeWait the bound on the wait for the limiter's count; past it the count is unavailable (503) */
    public RateLimitStage(Charges charges, RateLimiter limiter, StoreWait storeWait) {
        this.charges = charges;
        this.limiter = limiter;
        this.storeWait = storeWait;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!charges.applies(request)) {
            chain.doFilter(request, response);
            return;
        }
        Charge charge = charges.of(request, RequestAttributes.identity(request)).orElseThrow();
        String policy = charge.policy();
        Decision decision = RequestAttributes.COUNTED
                .get(request)
                .filter(counted -> counted.charge().equals(charge))
                .map(Counted::decision)
                .orElseGet(() -> storeWait.orElse(
                        limiter.acquire(charge.bucket(), policy, charge.quota()),
                        Decision.unavailable(charge.quota(), StoreUnavailableException.RETRY_AFTER_SECONDS)));
        response.setHeader(RateLimitFields.POLICY, RateLimitFields.policy(policy, charge.quota()));
        switch (decision.outcome()) {
            case ALLOWED -> {
                response.setHeader(RateLimitFields.RATE_LIMIT, RateLimitFields.rateLimit(policy, decision));
                chain.doFilter(request, response);
            }
            case LIMITED -> {
                response.setHeader(RateLimitFields.RATE_LIMIT, RateLimitFields.rateLimit(policy, decision));
                ProblemWriter.write(
                        request,
                        response,
                        Problem.of(
                                        ProblemType.TOO_MANY_REQUESTS,
                                        "The rate limit of this route is spent; retry after " + decision.resetSeconds()
                                                + " s.")
                                .withHeader("Retry-After", Long.toString(Math.max(1, decision.resetSeconds()))));
            }
            // Nothing is known of the count, so no RateLimit field: only the policy.
            case UNAVAILABLE ->
                ProblemWriter.write(
                        request,
                        response,
                        Problem.of(ProblemType.SERVICE_UNAVAILABLE, "Rate limits cannot be counted right now.")
                                .withHeader("Retry-After", Long.toString(Math.max(1, decision.resetSeconds()))));
        }
    }
}
