package io.portcullis.ratelimit;

import io.portcullis.chain.Identity;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Quota;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Optional;

/**
 * The rate-limit charge a request makes on its route, if any: the bucket is a minted API key's owner
 * ({@code u:<owner>}), a configured API key ({@code k:<id>}),
 * else the JWT subject ({@code u:<sub>}), else the client address after trusted-proxy handling
 * ({@code a:<address>}); a route with its own {@code rate-limit} counts under its id, other routes under
 * {@code default} (identified callers) or {@code anonymous}. None on routes with {@code rate-limit: off},
 * with {@code rate-limits.enabled: false}, and on the gateway's own endpoints. One rule for the rate-limit stage and for
 * the stages that count a request early, in the round trip of their own check. Immutable.
 */
public final class Charges {
    public static final String DEFAULT_POLICY = "default";
    public static final String ANONYMOUS_POLICY = "anonymous";

    private final RateLimitsConfig config;

    public Charges(RateLimitsConfig config) {
        this.config = config;
    }

    /** Whether requests on the request's route are counted at all. */
    public boolean applies(HttpServletRequest request) {
        return config.enabled()
                && RequestAttributes.ROUTE
                        .require(request)
                        .config()
                        .map(RouteConfig::rateLimited)
                        .orElse(false);
    }

    /** The charge of a request by {@code identity}, or empty where nothing is counted. */
    public Optional<Charge> of(HttpServletRequest request, Identity identity) {
        if (!applies(request)) {
            return Optional.empty();
        }
        Route route = RequestAttributes.ROUTE.require(request);
        RouteConfig routeConfig = route.config().orElseThrow();
        boolean anonymous = identity.clientId().isEmpty() && identity.userId().isEmpty();
        String policy =
                routeConfig.rateLimit().isPresent() ? route.id() : anonymous ? ANONYMOUS_POLICY : DEFAULT_POLICY;
        RateLimitsConfig.Limit limit =
                routeConfig.rateLimit().orElse(anonymous ? config.anonymous() : config.defaultLimit());
        return Optional.of(new Charge(bucket(identity, request), policy, new Quota(limit.limit(), limit.window())));
    }

    /**
     * {@code u:<owner>} for a key a user minted (however many keys they mint, they share one bucket), else
     * {@code k:<API key id>}, else {@code u:<JWT subject>}, else {@code a:<client address>}.
     */
    static String bucket(Identity identity, HttpServletRequest request) {
        if (identity.clientId().isPresent() && identity.keyOwner().isPresent()) {
            return "u:" + identity.keyOwner().get();
        }
        if (identity.clientId().isPresent()) {
            return "k:" + identity.clientId().get();
        }
        if (identity.userId().isPresent()) {
            return "u:" + identity.userId().get();
        }
        return "a:" + RequestAttributes.CLIENT.require(request).address();
    }
}
