package io.portcullis.jwt;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import io.portcullis.config.AuthConfig;
import io.portcullis.config.ConfigLoader;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * External token issuers ({@code auth.trusted-issuers}, e.g. an OIDC provider) and their keys, fetched from
 * each issuer's {@code jwks-uri}, or, for an issuer configured without one, from the {@code jwks_uri} of its
 * OpenID Connect discovery document ({@link OidcDiscovery}), through {@link IssuerKeys}. A token from such an issuer must name a key of
 * that issuer's set by {@code kid}; the key fixes the algorithm (RS256 or ES256), and the verifier requires
 * the issuer, the audience (the issuer's own {@code audience}, else {@code auth.audience}), {@code exp} and
 * {@code sub}, with {@code auth.leeway}. Each issuer has an alias that qualifies its subjects, and says whether
 * its ID tokens may pass as access tokens. Key fetches run on a small pool of daemon threads, never on a
 * request thread holding a lock. Thread-safe.
 */
public final class TrustedIssuers {
    private static final Logger LOG = LoggerFactory.getLogger(TrustedIssuers.class);

    /** One trusted issuer: its keys, its alias and whether it may present ID tokens. */
    record Issuer(IssuerKeys keys, String alias, boolean allowIdTokens) {}

    private final Map<String, Issuer> byIssuer;

    TrustedIssuers(Map<String, Issuer> byIssuer) {
        this.byIssuer = Map.copyOf(byIssuer);
    }

    /** No trusted issuers. */
    public static TrustedIssuers none() {
        return new TrustedIssuers(Map.of());
    }

    /** Issuers whose key fetches wait at most {@link HttpJwksSource#DEADLINE}. */
    public static TrustedIssuers create(AuthConfig config, JwksSource source, Clock clock) {
        return create(config, source, clock, HttpJwksSource.DEADLINE);
    }

    /** @param deadline the longest a request waits for a key fetch it needs (an unknown {@code kid}) */
    static TrustedIssuers create(AuthConfig config, JwksSource source, Clock clock, Duration deadline) {
        long leeway = config.leeway().toSeconds();
        Map<String, Issuer> byIssuer = new HashMap<>();
        ExecutorService fetchers = config.trustedIssuers().isEmpty()
                ? null
                : fetchers(config.trustedIssuers().size());
        for (AuthConfig.TrustedIssuerConfig issuer : config.trustedIssuers()) {
            String audience = issuer.audience().orElse(config.audience());
            URI fetchedFrom = issuer.jwksUri().orElseGet(issuer::discoveryUri);
            String scheme = fetchedFrom.getScheme();
            boolean loopbackHttp = "http".equalsIgnoreCase(scheme) && ConfigLoader.isLoopback(fetchedFrom.getHost());
            String key = issuer.jwksUri().isPresent() ? "jwks-uri" : "issuer (found by discovery)";
            if (!"https".equalsIgnoreCase(scheme) && !loopbackHttp) {
                throw new IllegalArgumentException("trusted issuer " + issuer.issuer() + ": " + key
                        + " must be https:// (plain http only for a loopback host), was " + fetchedFrom);
            }
            if (loopbackHttp) {
                LOG.warn(
                        "trusted issuer {}: its keys are fetched over plain http from {}, accepted only because the "
                                + "host is loopback",
                        issuer.issuer(),
                        fetchedFrom);
            }
            KeySetLocation location = issuer.jwksUri().isPresent()
                    ? KeySetLocation.fixed(fetchedFrom, source)
                    : new OidcDiscovery(issuer.issuer(), fetchedFrom, source);
            IssuerKeys keys = new IssuerKeys(
                    location,
                    algorithm -> ((JWTVerifier.BaseVerification) JWT.require(algorithm)
                                    .withIssuer(issuer.issuer())
                                    .withAudience(audience)
                                    .withClaimPresence("exp")
                                    .withClaimPresence("sub")
                                    .acceptLeeway(leeway))
                            .build(clock),
                    clock,
                    fetchers,
                    deadline);
            byIssuer.put(issuer.issuer(), new Issuer(keys, issuer.alias(), issuer.allowIdTokens()));
        }
        return new TrustedIssuers(byIssuer);
    }

    /** At most one fetch per issuer runs at a time; idle threads end after a while. */
    private static ExecutorService fetchers(int issuers) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(
                issuers + 1, issuers + 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "portcullis-jwks-fetch");
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** The keys of {@code issuer}, if it is trusted. */
    Optional<IssuerKeys> keysOf(String issuer) {
        return find(issuer).map(Issuer::keys);
    }

    /** The trusted issuer named by a token's {@code iss}. */
    Optional<Issuer> find(String issuer) {
        return issuer == null ? Optional.empty() : Optional.ofNullable(byIssuer.get(issuer));
    }

    /** The trusted issuers' names, for logs. */
    public List<String> issuers() {
        return List.copyOf(byIssuer.keySet());
    }
}
