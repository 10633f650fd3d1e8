package io.portcullis.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.chain.Route;
import io.portcullis.chain.RouteHandler;
import io.portcullis.config.RouteConfig;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTableTest {
    private static final RouteHandler HANDLER = (request, response) -> {};

    static Route route(String prefix) {
        return Route.configured(
                new RouteConfig(
                        prefix,
                        prefix,
                        List.of(URI.create("http://127.0.0.1:1")),
                        RouteConfig.AuthMode.NONE,
                        List.of(),
                        Optional.empty(),
                        true,
                        false,
                        RouteConfig.DEFAULT_TIMEOUT,
                        false,
                        Optional.empty()),
                HANDLER);
    }

    private final RouteTable table = new RouteTable(
            List.of(Route.endpoint("health", "/health", HANDLER)),
            List.of(route("/api"), route("/api/orders/archive"), route("/api/orders"), route("/health-report")));

    private String resolve(String path) {
        return table.resolve(path).map(Route::id).orElse("none");
    }

    @Test
    void resolveWhenPrefixesNestThenLongestMatchWins() {
        assertEquals("/api/orders", resolve("/api/orders/7"));
        assertEquals("/api/orders/archive", resolve("/api/orders/archive/2024"));
        assertEquals("/api", resolve("/api/customers"));
    }

    @Test
    void resolveWhenPathIsThePrefixThenMatches() {
        assertEquals("/api/orders", resolve("/api/orders"));
        assertEquals("/api/orders", resolve("/api/orders/"));
    }

    @Test
    void resolveWhenPrefixEndsMidSegmentThenNoMatch() {
        assertEquals("/api", resolve("/api/ordersx"));
        assertEquals("none", resolve("/apix"));
        assertEquals("/health-report", resolve("/health-report/today"));
    }

    @Test
    void resolveWhenNothingMatchesThenEmpty() {
        assertEquals(Optional.empty(), table.resolve("/"));
        assertEquals(Optional.empty(), table.resolve("/other"));
    }

    @Test
    void resolveWhenEndpointAndRouteBothMatchThenEndpointWins() {
        RouteTable shadowing = new RouteTable(
                List.of(Route.endpoint("health", "/health", HANDLER)), List.of(route("/"), route("/health/ready/x")));

        assertEquals(
                "health", shadowing.resolve("/health/ready/x").map(Route::id).orElseThrow());
        assertTrue(shadowing.resolve("/health").orElseThrow().isEndpoint());
        assertEquals("/", shadowing.resolve("/anything").map(Route::id).orElseThrow());
    }

    @Test
    void routesWhenBuiltThenLongestFirst() {
        assertEquals(
                List.of("/api/orders/archive", "/health-report", "/api/orders", "/api"),
                table.routes().stream().map(Route::prefix).toList());
    }

    @Test
    void remainderWhenPrefixStrippedThenAlwaysStartsWithSlash() {
        assertEquals("/7", route("/api/orders").remainder("/api/orders/7"));
        assertEquals("/", route("/api/orders").remainder("/api/orders"));
        assertEquals("/x", route("/").remainder("/x"));
        assertTrue(route("/").matches("/anything"));
        assertFalse(route("/api").isEndpoint());
    }
}
