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

    public record TrustedIssuerConfig(String issuer, URI jwksUri, Optional<String> audience) {}

    /** A Kong-style consumer: a token whose {@code iss} is {@code key} is verified with this secret. */
    public record ConsumerConfig(String key, Algorithm algorithm, Secret secret) {}
}
