package io.portcullis.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Resolves a request path to the route with the longest matching prefix, compared segment by segment
 * ({@code /api/orders} matches {@code /api/orders/7} but not {@code /api/ordersx}). The gateway's own
 * endpoints come first whatever the configured routes say. Immutable and thread-safe.
 */
public final class RouteTable {
    private final List<Route> endpoints;
    private final List<Route> routes;

    public RouteTable(List<Route> endpoints, List<Route> routes) {
        this.endpoints = sortedLongestFirst(endpoints);
        this.routes = sortedLongestFirst(routes);
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
