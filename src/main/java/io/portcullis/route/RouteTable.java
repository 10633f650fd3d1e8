package io.portcullis.route;

import io.portcullis.chain.CanonicalPath;
import io.portcullis.chain.Route;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Resolves a request path to the route with the longest matching prefix, compared segment by segment
 * ({@code /api/orders} matches {@code /api/orders/7} but not {@code /api/ordersx}). The gateway's own
 * endpoints come first whatever the configured routes say. Immutable and thread-safe.
 */
public final class RouteTable {
    private final List<Route> endpoints;
    private final List<Route> routes;
    /** Each configured route's prefix as {@link LooseReading} reads it (null when it has none). */
    private final Map<Route, String> loosePrefixes;

    public RouteTable(List<Route> endpoints, List<Route> routes) {
        this.endpoints = sortedLongestFirst(endpoints);
        this.routes = sortedLongestFirst(routes);
        this.loosePrefixes = this.routes.stream()
                .filter(route -> LooseReading.of(route.prefix()) != null)
                .collect(Collectors.toUnmodifiableMap(
                        route -> route, route -> LooseReading.of(route.prefix()), (first, second) -> first));
    }

    /**
     * Whether an upstream reading {@code path} loosely (see {@link LooseReading}) could serve it from a route
     * more specific than {@code applied}: {@code /api/ADMIN} matched {@code /api} while {@code /api/admin} is a
     * route of its own. Also true when the loose reading holds what only a compatibility form brings in
     * ({@code ．．}). Routes that differ only in case each keep their own spelling: only a deeper prefix counts.
     */
    public boolean looselyReachesBeyond(String path, Route applied) {
        String loose = LooseReading.of(path);
        if (loose == null) {
            return true;
        }
        int depth = CanonicalPath.depth(applied.prefix());
        for (Map.Entry<Route, String> entry : loosePrefixes.entrySet()) {
            String prefix = entry.getValue();
            boolean matches = prefix.equals("/")
                    || loose.startsWith(prefix)
                            && (loose.length() == prefix.length() || loose.charAt(prefix.length()) == '/');
            if (matches && CanonicalPath.depth(entry.getKey().prefix()) > depth) {
                return true;
            }
        }
        return false;
    }

    public Optional<Route> resolve(String path) {
        for (Route endpoint : endpoints) {
            if (endpoint.matches(path)) {
                return Optional.of(endpoint);
            }
        }
        for (Route route : routes) {
            if (route.matches(path)) {
                return Optional.of(route);
            }
        }
        return Optional.empty();
    }

    public List<Route> routes() {
        return routes;
    }

    private static List<Route> sortedLongestFirst(List<Route> routes) {
        List<Route> sorted = new ArrayList<>(routes);
        sorted.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
        return List.copyOf(sorted);
    }
}
