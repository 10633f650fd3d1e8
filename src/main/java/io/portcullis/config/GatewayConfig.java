package io.portcullis.config;

import java.net.URI;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole gateway configuration, as read from one YAML file. Immutable and thread-safe.
 *
 * @param source where the configuration came from (a file path, or the built-in demo), for messages
 */
public record GatewayConfig(
        String source,
        GatewaySettings gateway,
        RedisConfig redis,
        AuthConfig auth,
        ApiKeysConfig apiKeys,
        RateLimitsConfig rateLimits,
        List<RouteConfig> routes,
        WafConfig waf,
        LoggingConfig logging,
        RevocationConfig revocation) {

    public GatewayConfig {
        routes = List.copyOf(routes);
        Objects.requireNonNull(revocation, "revocation");
    }

    /** With the default {@code revocation:} section. */
    public GatewayConfig(
            String source,
            GatewaySettings gateway,
            RedisConfig redis,
            AuthConfig auth,
            ApiKeysConfig apiKeys,
            RateLimitsConfig rateLimits,
            List<RouteConfig> routes,
            WafConfig waf,
            LoggingConfig logging) {
        this(source, gateway, redis, auth, apiKeys, rateLimits, routes, waf, logging, RevocationConfig.defaults());
    }

    /**
     * The {@code gateway:} section.
     *
     * @param clientAddressHeader the one header that carries the client address from a trusted proxy
     * @param publicUrl the gateway's own public base URL ({@code gateway.public-url}, else {@code auth.issuer}
     *     when that is an http(s) URL), for the absolute URLs it writes; empty when neither is set
     * @param stripHeaders extra request header names never forwarded ({@code gateway.strip-headers}), each an
     *     exact name or a prefix ending in {@code *}, lower case with {@code _} written as {@code -}
     * @param cors the default CORS policy ({@code gateway.cors}): of every route without a {@code cors} of its
     *     own, and of the auth service's endpoints
     */
    public record GatewaySettings(
            boolean demo,
            List<IpRange> trustedProxies,
            ClientAddressHeader clientAddressHeader,
            Optional<URI> publicUrl,
            List<String> stripHeaders,
            Optional<CorsConfig> cors) {
        public GatewaySettings {
            trustedProxies = List.copyOf(trustedProxies);
            stripHeaders = List.copyOf(stripHeaders);
        }

        /** Without a default CORS policy. */
        public GatewaySettings(
                boolean demo,
                List<IpRange> trustedProxies,
                ClientAddressHeader clientAddressHeader,
                Optional<URI> publicUrl,
                List<String> stripHeaders) {
            this(demo, trustedProxies, clientAddressHeader, publicUrl, stripHeaders, Optional.empty());
        }

        /** The defaults for everything but the demo flag and the trusted proxies. */
        public GatewaySettings(boolean demo, List<IpRange> trustedProxies) {
            this(demo, trustedProxies, ClientAddressHeader.X_FORWARDED_FOR, Optional.empty(), List.of());
        }
    }

    /** Where a trusted proxy puts the client address: {@code X-Forwarded-For} or {@code Forwarded} (RFC 7239). */
    public enum ClientAddressHeader {
        X_FORWARDED_FOR,
        FORWARDED
    }

    /**
     * The {@code logging:} section.
     *
     * @param level the root logger's level
     * @param levels per-logger levels ({@code io.portcullis.waf: debug}), in file order
     */
    public record LoggingConfig(Format format, String level, Map<String, String> levels) {
        public enum Format {
            JSON,
            TEXT
        }

        public LoggingConfig {
            levels = Collections.unmodifiableMap(new LinkedHashMap<>(levels));
        }
    }
}
