package io.portcullis.apikey;

import io.portcullis.chain.Identity;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.chain.Stage;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.config.RouteConfig;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.quota.Charge;
import io.portcullis.ratelimit.Charges;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The API-key stage ({@link io.portcullis.chain.FilterStage#API_KEY}), client identification: on every configured route, a request without the API-key header is
 * anonymous; with a known key it is identified ({@link RequestAttributes#IDENTITY}: method {@code api-key},
 * the key id as client id, the key's scopes); with an unknown or revoked key it is refused with 401
 * {@code Invalid API key}, whatever the route. Routes with {@code auth: api-key} also refuse anonymous callers
 * (401 {@code API key required}) and callers whose key lacks any of the route's {@code scopes} (403: every
 * listed scope is required). The gateway's own endpoints ({@code /health*}, the auth service,
 * {@code /.well-known}) are left alone: they neither need nor check a key. The proxy never forwards the key
 * header. An issued key's lookup on a rate-limited route also counts the request for the rate-limit stage, in the same
 * Redis round trip ({@link RequestAttributes#COUNTED}). Thread-safe.
 */
public final class ApiKeyStage implements Stage {

    private final String header;
    private final ApiKeyVerifier verifier;
    private final Optional<Charges> charges;

    /**
     * An API-key stage that leaves all rate-limit counting to the rate-limit stage.
     *
     * @param header the configured {@code api-keys.header}
     */
    public ApiKeyStage(String header, ApiKeyVerifier verifier) {
        this.header = header;
        this.verifier = verifier;
        this.charges = Optional.empty();
    }

    /** @param charges the rate-limit charges, so that an issued key's lookup counts the request for the rate-limit stage */
    public ApiKeyStage(String header, ApiKeyVerifier verifier, Charges charges) {
        this.header = header;
        this.verifier = verifier;
        this.charges = Optional.of(charges);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Route resolved = RequestAttributes.ROUTE.require(request);
        if (resolved.isEndpoint()) {
            chain.doFilter(request, response);
            return;
        }
        RouteConfig route = resolved.config().orElseThrow();
        List<String> presented = Collections.list(request.getHeaders(header));
        if (presented.isEmpty()) {
            if (route.auth() == RouteConfig.AuthMode.API_KEY) {
                ProblemWriter.write(
                        request,
                        response,
                        ProblemType.API_KEY_REQUIRED,
                        "This route needs an API key in the " + header + " header.");
                return;
            }
            chain.doFilter(request, response);
            return;
        }
        // Two key headers are ambiguous: refuse rather than pick one.
        KeyCheck check = presented.size() != 1
                ? KeyCheck.of(KeyCheck.Outcome.INVALID)
                : charges.isEmpty()
                        ? verifier.check(presented.get(0))
                        : verifier.check(presented.get(0), identity -> chargeFor(request, route, identity));
        switch (check.outcome()) {
            case INVALID ->
                ProblemWriter.write(
                        request, response, ProblemType.INVALID_API_KEY, "The API key is unknown or has been revoked.");
            case UNAVAILABLE ->
                ProblemWriter.write(
                        request,
                        response,
                        Problem.of(ProblemType.SERVICE_UNAVAILABLE, "API keys cannot be checked right now.")
                                .withHeader(
                                        "Retry-After", Long.toString(StoreUnavailableException.RETRY_AFTER_SECONDS)));
            case IDENTIFIED -> {
                if (!permitted(route, check.identity())) {
                    ProblemWriter.write(
                            request,
                            response,
                            ProblemType.INSUFFICIENT_SCOPE,
                            "The API key lacks a scope this route requires.");
                    return;
                }
                RequestAttributes.IDENTITY.set(request, check.identity());
                check.counted().ifPresent(counted -> RequestAttributes.COUNTED.set(request, counted));
                chain.doFilter(request, response);
            }
        }
    }

    private static boolean permitted(RouteConfig route, Identity identity) {
        return route.auth() != RouteConfig.AuthMode.API_KEY || identity.scopes().containsAll(route.scopes());
    }

    /**
     * What the key's lookup may count for RATE_LIMIT stage: nothing for a request this stage will refuse, and nothing
     * on JWT routes, where the token's revocation check comes first (a revoked token is never counted).
     */
    private Optional<Charge> chargeFor(HttpServletRequest request, RouteConfig route, Identity identity) {
        if (route.auth() == RouteConfig.AuthMode.JWT || !permitted(route, identity)) {
            return Optional.empty();
        }
        return charges.orElseThrow().of(request, identity);
    }
}
