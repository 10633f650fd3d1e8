package io.portcullis.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The {@code redis:} section. Without a URI every shared state lives in this process.
 *
 * @param uri standalone ({@code redis://}, {@code rediss://}), Sentinel ({@code redis-sentinel://})
 *     or Cluster ({@code redis-cluster://host:port,host:port}) address, with credentials if any
 * @param password from {@code redis.password-env} or {@code redis.password-file}, instead of one in the URI
 * @param tls {@code redis.tls}: the CA and client certificate of a {@code rediss} URI
 * @param revocationReplicas {@code redis.revocation-replicas}: a revocation is acknowledged only once this many
 *     replicas have it ({@code WAIT}), so that a failover right after it does not lose it; 0 does not wait
 */
public record RedisConfig(
        Optional<URI> uri,
        String keyPrefix,
        Duration timeout,
        FailurePolicy rateLimitOnFailure,
        FailurePolicy revocationOnFailure,
        Optional<Secret> password,
        Optional<Tls> tls,
        int revocationReplicas) {

    public RedisConfig {
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(tls, "tls");
        if (revocationReplicas < 0) {
            throw new IllegalArgumentException("redis.revocation-replicas must not be negative");
        }
    }

    /** Without a password or TLS files of its own (the URI may still carry them). */
    public RedisConfig(
            Optional<URI> uri,
            String keyPrefix,
            Duration timeout,
            FailurePolicy rateLimitOnFailure,
            FailurePolicy revocationOnFailure) {
        this(uri, keyPrefix, timeout, rateLimitOnFailure, revocationOnFailure, Optional.empty(), Optional.empty(), 0);
    }

    /**
     * {@code redis.tls}: PEM files for a {@code rediss://} URI (standalone, Sentinel or Cluster).
     *
     * @param caFile the CA certificates the servers' certificates are checked against; empty: the JDK's
     * @param certFile the client certificate chain, with {@code keyFile}, for servers that ask for one
     * @param keyFile the client's private key (PKCS#8 PEM, unencrypted)
     */
    public record Tls(Optional<Path> caFile, Optional<Path> certFile, Optional<Path> keyFile) {}

    public static final String DEFAULT_KEY_PREFIX = "portcullis:";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);

    /** What a concern does while Redis cannot be reached. */
    public enum FailurePolicy {
        ALLOW,
        DENY
    }

    public boolean enabled() {
        return uri.isPresent();
    }

    @Override
    public String toString() {
        // The URI may carry a password.
        return "RedisConfig[uri="
                + uri.map(u -> u.getScheme() + "://" + u.getHost() + ":" + u.getPort())
                        .orElse("none")
                + ", keyPrefix=" + keyPrefix + ", timeout=" + timeout
                + ", password=" + (password.isPresent() ? "***" : "none") + ", tls=" + tls + "]";
    }
}
