package io.portcullis.config;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * The {@code redis:} section. Without a URI every shared state lives in this process.
 *
 * @param uri standalone ({@code redis://}, {@code rediss://}), Sentinel ({@code redis-sentinel://})
 *     or Cluster ({@code redis-cluster://host:port,host:port}) address, with credentials if any
 */
public record RedisConfig(
        Optional<URI> uri,
        String keyPrefix,
        Duration timeout,
        FailurePolicy rateLimitOnFailure,
        FailurePolicy revocationOnFailure) {

    public static final String DEFAULT_KEY_PREFIX = "portcullis:";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(200);

    /** What a concern does while Redis cannot be reached. */
    public enum FailurePolicy { ALLOW, DENY }

    public boolean enabled() {
        return uri.isPresent();
    }

    @Override
    public String toString() {
        // The URI may carry a password.
        return "RedisConfig[uri=" + uri.map(u -> u.getScheme() + "://" + u.getHost() + ":" + u.getPort()).orElse("none")
                + ", keyPrefix=" + keyPrefix + ", timeout=" + timeout + "]";
    }
}
