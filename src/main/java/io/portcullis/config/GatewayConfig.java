package io.portcullis.config;

import java.util.List;
import java.util.Map;

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
        LoggingConfig logging) {

    public GatewayConfig {
        routes = List.copyOf(routes);
    }

    /** The {@code gateway:} section. */
    public record GatewaySettings(boolean demo, List<IpRange> trustedProxies) {
        public GatewaySettings {
            trustedProxies = List.copyOf(trustedProxies);
        }
    }

    /**
     * The {@code logging:} section.
     *
     * @param level the root logger's level
     * @param levels per-logger levels ({@code io.portcullis.waf: debug}), in file order
     */
    public record LoggingConfig(Format format, String level, Map<String, String> levels) {
        public enum Format { JSON, TEXT }

        public LoggingConfig {
            levels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(levels));
        }
    }
}
