package io.portcullis.chain;

import io.portcullis.config.RouteConfig;
import java.util.Optional;

/**
 * A resolved route: a configured one (proxied or direct) or one of the gateway's own endpoints.
 *
 * @param config the route's configuration; empty for the gateway's own endpoints
 */
public record Route(String id, String prefix, Optional<RouteConfig> config, RouteHandler handler) {

    public static Route configured(RouteConfig config, RouteHandler handler) {
        return new Route(config.id(), config.prefix(), Optional.of(config), handler);
    }

    /** One of the gateway's own endpoints ({@code /health}, the auth service, …), answered whatever the routes say. */
    public static Route endpoint(String id, String prefix, RouteHandler handler) {
        return new Route(id, prefix, Optional.empty(), handler);
    }

    public boolean isEndpoint() {
        return config.isEmpty();
    }

    /** Whether request paths on this route may carry path parameters ({@code path-parameters: true}). */
    public boolean allowsPathParameters() {
        return config.map(RouteConfig::pathParameters).orElse(false);
    }

    /** True when {@code path} is the prefix itself or lies below it, segment by segment. */
    public boolean matches(String path) {
        if (prefix.equals("/")) {
            return true;
        }
        return path.startsWith(prefix) && (path.length() == prefix.length() || path.charAt(prefix.length()) == '/');
    }

    /** The rest of {@code path} after the prefix, always starting with {@code /}. */
    public String remainder(String path) {
        if (prefix.equals("/")) {
            return path;
        }
        String rest = path.substring(prefix.length());
        return rest.isEmpty() ? "/" : rest;
    }
}
