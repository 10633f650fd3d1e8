package io.portcullis.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The {@code auth:} section: the embedded auth service and how tokens are verified. */
public record AuthConfig(
        String path,
        String issuer,
        String audience,
        Algorithm algorithm,
        List<SigningKeyConfig> signingKeys,
        Duration accessTtl,
        Duration refreshTtl,
        Duration idleTimeout,
        Duration leeway,
        Duration refreshGrace,
        TokenCacheConfig tokenCache,
        UserSource users,
        boolean registration,
        List<TrustedIssuerConfig> trustedIssuers,
        List<ConsumerConfig> consumers) {

    public AuthConfig {
        signingKeys = List.copyOf(signingKeys);
        trustedIssuers = List.copyOf(trustedIssuers);
        consumers = List.copyOf(consumers);
    }

    /** JWS algorithms the gateway signs with. */
    public enum Algorithm {
        RS256, ES256, HS256;

        public boolean symmetric() {
            return this == HS256;
        }
    }

    /** Where users and their passwords live. */
    public enum UserSource { MEMORY, REDIS, CONTAINER }

    /**
     * One signing key: a PEM file (RS256, ES256) or a shared secret (HS256) from the file itself,
     * an environment variable or the configuration.
     */
    public record SigningKeyConfig(String kid, Optional<Path> file, Optional<Secret> secret) {}

    public record TokenCacheConfig(int size, boolean redis) {}

    /**
     * An external issuer whose access tokens are verified with the keys at {@code jwksUri}.
     *
     * @param alias qualifies its subjects: its user {@code sub} becomes {@code <alias>:<sub>} in the gateway
     * @param allowIdTokens whether OIDC ID tokens (claim {@code typ: ID}, {@code nonce}, {@code at_hash},
     *     {@code c_hash}) are accepted as access tokens; false by default
     */
    public record TrustedIssuerConfig(String issuer, URI jwksUri, Optional<String> audience, String alias,
            boolean allowIdTokens) {

        /** An issuer that refuses ID tokens, its alias taken from its host (see {@link #defaultAlias}). */
        public TrustedIssuerConfig(String issuer, URI jwksUri, Optional<String> audience) {
            this(issuer, jwksUri, audience, defaultAlias(issuer).orElse(issuer), false);
        }

        /** The host of an {@code https://host/...} issuer, or the issuer itself when it is a bare name; empty when neither fits. */
        public static Optional<String> defaultAlias(String issuer) {
            String candidate = issuer;
            try {
                URI uri = new URI(issuer);
                if (uri.getHost() != null) {
                    candidate = uri.getHost().toLowerCase(java.util.Locale.ROOT);
                }
            } catch (java.net.URISyntaxException e) {
                // not a URL: a bare name may still serve
            }
            return ALIAS.matcher(candidate).matches() ? Optional.of(candidate) : Optional.empty();
        }
    }

    /** What a trusted issuer's alias and a consumer's key must look like: no ':' so that qualified ids split once. */
    public static final java.util.regex.Pattern ALIAS = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** The longest a consumer's token may live, from {@code iat} (or {@code nbf}) to {@code exp}, unless configured. */
    public static final Duration DEFAULT_CONSUMER_MAX_LIFETIME = Duration.ofHours(1);

    /**
     * A Kong-style consumer: a token whose {@code iss} is {@code key} is verified with this secret. The caller is
     * the consumer, and what it may do comes from this entry only, never from the token's own claims.
     *
     * @param roles the roles the consumer's requests carry ({@code X-User-Roles}, route {@code scopes})
     * @param scopes the scopes the consumer's requests carry
     * @param maxLifetime the longest allowed span from {@code iat} (or {@code nbf}) to {@code exp}
     * @param audience when present, the token's {@code aud} must contain it
     */
    public record ConsumerConfig(String key, Algorithm algorithm, Secret secret, List<String> roles,
            List<String> scopes, Duration maxLifetime, Optional<String> audience) {

        public ConsumerConfig {
            roles = List.copyOf(roles);
            scopes = List.copyOf(scopes);
        }

        /** A consumer with no roles or scopes, the default lifetime and no audience. */
        public ConsumerConfig(String key, Algorithm algorithm, Secret secret) {
            this(key, algorithm, secret, List.of(), List.of(), DEFAULT_CONSUMER_MAX_LIFETIME, Optional.empty());
        }
    }
}
