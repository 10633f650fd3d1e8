package io.portcullis.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

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
        List<ConsumerConfig> consumers,
        LimitsConfig limits,
        int maxConcurrentHashes,
        ApiKeyIssuanceConfig apiKeys,
        Optional<BootstrapAdminConfig> bootstrapAdmin) {

    /** {@code auth.max-concurrent-hashes} when not configured: derived from the heap ({@code 0}). */
    public static final int DERIVED_CONCURRENT_HASHES = 0;

    public AuthConfig {
        signingKeys = List.copyOf(signingKeys);
        trustedIssuers = List.copyOf(trustedIssuers);
        consumers = List.copyOf(consumers);
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(bootstrapAdmin, "bootstrapAdmin");
    }

    /** As the canonical constructor, without a bootstrap admin. */
    public AuthConfig(
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
            List<ConsumerConfig> consumers,
            LimitsConfig limits,
            int maxConcurrentHashes,
            ApiKeyIssuanceConfig apiKeys) {
        this(
                path,
                issuer,
                audience,
                algorithm,
                signingKeys,
                accessTtl,
                refreshTtl,
                idleTimeout,
                leeway,
                refreshGrace,
                tokenCache,
                users,
                registration,
                trustedIssuers,
                consumers,
                limits,
                maxConcurrentHashes,
                apiKeys,
                Optional.empty());
    }

    /**
     * {@code auth.bootstrap-admin}: a user created at startup with the roles {@code user} and {@code admin} when no
     * user of that name exists yet (an existing one is left as it is), so that the admin API has a first admin.
     *
     * @param username the username, normalised like any other
     * @param password from {@code password-env} (or {@code password}), 8–1024 characters
     */
    public record BootstrapAdminConfig(String username, Secret password) {
        public BootstrapAdminConfig {
            Objects.requireNonNull(username, "username");
            Objects.requireNonNull(password, "password");
        }
    }

    /** As the canonical constructor, with the default limits, hash concurrency and API-key rules. */
    public AuthConfig(
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
        this(
                path,
                issuer,
                audience,
                algorithm,
                signingKeys,
                accessTtl,
                refreshTtl,
                idleTimeout,
                leeway,
                refreshGrace,
                tokenCache,
                users,
                registration,
                trustedIssuers,
                consumers,
                LimitsConfig.DEFAULTS,
                DERIVED_CONCURRENT_HASHES,
                ApiKeyIssuanceConfig.DEFAULTS);
    }

    /** JWS algorithms the gateway signs with. */
    public enum Algorithm {
        RS256,
        ES256,
        HS256;

        public boolean symmetric() {
            return this == HS256;
        }
    }

    /** Where users and their passwords live. */
    public enum UserSource {
        MEMORY,
        REDIS,
        CONTAINER
    }

    /**
     * One signing key: a PEM file (RS256, ES256) or a shared secret (HS256) from the file itself,
     * an environment variable or the configuration.
     */
    public record SigningKeyConfig(String kid, Optional<Path> file, Optional<Secret> secret) {}

    public record TokenCacheConfig(int size, boolean redis) {
        public TokenCacheConfig {
            if (size < 0) {
                throw new IllegalArgumentException("auth.token-cache.size must not be negative (was " + size + ")");
            }
        }
    }

    /**
     * An external issuer whose access tokens are verified with the keys at {@code jwksUri}.
     *
     * @param jwksUri where its JWK Set is; empty to find it by OpenID Connect discovery, in the
     *     {@code jwks_uri} of the document at {@link #discoveryUri()}
     * @param alias qualifies its subjects: its user {@code sub} becomes {@code <alias>:<sub>} in the gateway
     * @param allowIdTokens whether OIDC ID tokens (claim {@code typ: ID}, {@code nonce}, {@code at_hash},
     *     {@code c_hash}) are accepted as access tokens; false by default
     */
    public record TrustedIssuerConfig(
            String issuer, Optional<URI> jwksUri, Optional<String> audience, String alias, boolean allowIdTokens) {
        /** Where OpenID Connect discovery puts the provider's configuration, under the issuer. */
        public static final String DISCOVERY_PATH = "/.well-known/openid-configuration";

        /** An issuer with a configured {@code jwks-uri}. */
        public TrustedIssuerConfig(
                String issuer, URI jwksUri, Optional<String> audience, String alias, boolean allowIdTokens) {
            this(issuer, Optional.of(jwksUri), audience, alias, allowIdTokens);
        }

        /**
         * The issuer's discovery document: the issuer without a trailing {@code /}, then {@value #DISCOVERY_PATH}.
         *
         * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig">OpenID Connect
         *     Discovery 1.0 §4</a>
         */
        public URI discoveryUri() {
            String base = issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
            return URI.create(base + DISCOVERY_PATH);
        }

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
                    candidate = uri.getHost().toLowerCase(Locale.ROOT);
                }
            } catch (URISyntaxException e) {
                // not a URL: a bare name may still serve
            }
            return ALIAS.matcher(candidate).matches() ? Optional.of(candidate) : Optional.empty();
        }
    }

    /** What a trusted issuer's alias and a consumer's key must look like: no ':' so that qualified ids split once. */
    public static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9._-]{1,64}");
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
    public record ConsumerConfig(
            String key,
            Algorithm algorithm,
            Secret secret,
            List<String> roles,
            List<String> scopes,
            Duration maxLifetime,
            Optional<String> audience) {

        public ConsumerConfig {
            roles = List.copyOf(roles);
            scopes = List.copyOf(scopes);
        }

        /** A consumer with no roles or scopes, the default lifetime and no audience. */
        public ConsumerConfig(String key, Algorithm algorithm, Secret secret) {
            this(key, algorithm, secret, List.of(), List.of(), DEFAULT_CONSUMER_MAX_LIFETIME, Optional.empty());
        }
    }

    /**
     * {@code auth.limits}: a per-address limit on every {@code auth.path} endpoint, a tighter one on
     * {@code register}, and the login attempt counters.
     *
     * @param endpoints every request to the auth service, per client address
     * @param register registrations per client address, counted besides {@code endpoints}
     */
    public record LimitsConfig(
            RateLimitsConfig.Limit endpoints, RateLimitsConfig.Limit register, LoginLimitsConfig login) {
        public static final LimitsConfig DEFAULTS = new LimitsConfig(
                new RateLimitsConfig.Limit(300, Duration.ofMinutes(1)),
                new RateLimitsConfig.Limit(100, Duration.ofMinutes(10)),
                LoginLimitsConfig.DEFAULTS);
    }

    /**
     * {@code auth.limits.login}: attempts counted before the password is checked. Each counter lets its first
     * attempts through freely; from the last free one on, the next attempt must wait {@code backoff}, doubling
     * with each further attempt up to {@code max-backoff}. Counts are forgotten {@code window} after the last
     * attempt.
     *
     * @param perUsernameAndAddress free attempts at one username from one client address
     * @param perAddress free attempts from one client address, whatever the usernames
     * @param perUsername free attempts at one username from all addresses; an address that logged in to that
     *     account within {@code remember} is not held back by this counter
     */
    public record LoginLimitsConfig(
            int perUsernameAndAddress,
            int perAddress,
            int perUsername,
            Duration backoff,
            Duration maxBackoff,
            Duration window,
            Duration remember) {
        public static final LoginLimitsConfig DEFAULTS = new LoginLimitsConfig(
                5, 30, 20, Duration.ofSeconds(1), Duration.ofMinutes(15), Duration.ofMinutes(15), Duration.ofDays(30));
    }

    /**
     * {@code auth.api-keys}: the rules for keys users mint.
     *
     * @param reauth how recent the password login behind the access token must be ({@code auth_time})
     * @param maxLifetime the longest {@code expires_in}; also the lifetime of a key minted without one
     * @param maxPerUser live keys one user may hold
     */
    public record ApiKeyIssuanceConfig(Duration reauth, Duration maxLifetime, int maxPerUser) {
        public static final ApiKeyIssuanceConfig DEFAULTS =
                new ApiKeyIssuanceConfig(Duration.ofMinutes(10), Duration.ofDays(365), 20);
    }
}
