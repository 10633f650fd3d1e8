package io.portcullis.jwt;

import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Stage;
import io.portcullis.chain.TokenClaims;
import io.portcullis.config.RouteConfig;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.ratelimit.Charges;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JWT stage ({@link io.portcullis.chain.FilterStage#JWT}), authentication: on routes with {@code auth: jwt} only, the request's Bearer token (see
 * {@link BearerToken}) is verified, checked against revocation and the route's scopes by the
 * {@link JwtAuthenticator}; an accepted caller becomes the request's {@link io.portcullis.chain.Identity}
 * (method jwt, user id = the bare {@code sub} of the gateway's own tokens, {@code <alias>:<sub>} of a trusted
 * issuer's, {@code <key>:<key>} of a consumer's), which the proxy passes upstream as {@code X-User-Id} and
 * {@code X-User-Roles}, and its string claims become {@link RequestAttributes#TOKEN_CLAIMS} (for direct
 * routes' key templates). On a rate-limited route the revocation check also counts the request for the rate-limit stage,
 * in the same Redis round trip ({@link RequestAttributes#COUNTED}). Any refusal is answered here (401, 403
 * or 503 problem with its challenge) and the request goes no further. The gateway's own endpoints and other routes pass untouched. Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750">RFC 6750</a>
 */
public final class JwtStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(JwtStage.class);

    private final JwtAuthenticator authenticator;
    private final Optional<Charges> charges;

    /** A JWT stage that leaves all rate-limit counting to the rate-limit stage. */
    public JwtStage(JwtAuthenticator authenticator) {
        this.authenticator = authenticator;
        this.charges = Optional.empty();
    }

    /** @param charges the rate-limit charges, so that the revocation check counts the request for the rate-limit stage */
    public JwtStage(JwtAuthenticator authenticator, Charges charges) {
        this.authenticator = authenticator;
        this.charges = Optional.of(charges);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean jwtRoute = RequestAttributes.ROUTE
                .require(request)
                .config()
                .map(config -> config.auth() == RouteConfig.AuthMode.JWT)
                .orElse(false);
        if (!jwtRoute) {
            chain.doFilter(request, response);
            return;
        }
        JwtDecision decision = decide(request);
        if (decision instanceof JwtDecision.Refused refused) {
            Problem problem = refused.problem();
            LOG.debug(
                    "request {} refused: {} ({})",
                    RequestAttributes.REQUEST_ID.get(request).orElse("-"),
                    problem.type().slug(),
                    problem.detail());
            ProblemWriter.write(request, response, problem);
            return;
        }
        JwtDecision.Authenticated accepted = (JwtDecision.Authenticated) decision;
        RequestAttributes.IDENTITY.set(request, accepted.identity());
        RequestAttributes.TOKEN_CLAIMS.set(
                request, new TokenClaims(accepted.token().claims()));
        accepted.counted().ifPresent(counted -> RequestAttributes.COUNTED.set(request, counted));
        chain.doFilter(request, response);
    }

    private JwtDecision decide(HttpServletRequest request) {
        List<String> scopes =
                RequestAttributes.ROUTE.require(request).config().orElseThrow().scopes();
        BearerToken.Found found = BearerToken.from(request);
        if (found instanceof BearerToken.Found.Present present) {
            return authenticator.authenticate(
                    present.token(),
                    scopes,
                    RequestAttributes.identity(request),
                    identity -> charges.flatMap(rule -> rule.of(request, identity)));
        }
        if (found instanceof BearerToken.Found.Malformed malformed) {
            return new JwtDecision.Refused(JwtChallenges.invalid(malformed.description()));
        }
        return new JwtDecision.Refused(JwtChallenges.missing());
    }
}
