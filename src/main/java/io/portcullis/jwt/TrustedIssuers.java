package io.portcullis.jwt;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import io.portcullis.config.AuthConfig;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * External token issuers ({@code auth.trusted-issuers}, e.g. an OIDC provider) and their keys, fetched from
 * each issuer's {@code jwks-uri} through {@link IssuerKeys}. A token from such an issuer must name a key of
 * that issuer's set by {@code kid}; the key fixes the algorithm (RS256 or ES256), and the verifier requires
 * the issuer, the audience (the issuer's own {@code audience}, else {@code auth.audience}), {@code exp} and
 * {@code sub}, with {@code auth.leeway}. Thread-safe.
 */
public final class TrustedIssuers {
    private final Map<String, IssuerKeys> byIssuer;

    TrustedIssuers(Map<String, IssuerKeys> byIssuer) {
        this.byIssuer = Map.copyOf(byIssuer);
    }

    /** No trusted issuers. */
    public static TrustedIssuers none() {
        return new TrustedIssuers(Map.of());
    }

    public static TrustedIssuers create(AuthConfig config, JwksSource source, Clock clock) {
        long leeway = config.leeway().toSeconds();
        Map<String, IssuerKeys> byIssuer = new HashMap<>();
        for (AuthConfig.TrustedIssuerConfig issuer : config.trustedIssuers()) {
            String audience = issuer.audience().orElse(config.audience());
            byIssuer.put(issuer.issuer(), new IssuerKeys(issuer.jwksUri(), source,
                    algorithm -> ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                            .withIssuer(issuer.issuer())
                            .withAudience(audience)
                            .withClaimPresence("exp")
                            .withClaimPresence("sub")
                            .acceptLeeway(leeway))
                            .build(clock),
                    clock));
        }
        return new TrustedIssuers(byIssuer);
    }

    /** The keys of {@code issuer}, if it is trusted. */
    Optional<IssuerKeys> keysOf(String issuer) {
        return issuer == null ? Optional.empty() : Optional.ofNullable(byIssuer.get(issuer));
    }

    /** The trusted issuers' names, for logs. */
    public List<String> issuers() {
        return List.copyOf(byIssuer.keySet());
    }
}
