package io.portcullis.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.chain.Route;
import io.portcullis.chain.RouteHandler;
import io.portcullis.testsupport.Bounded;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Route resolution for any path, traversal spellings included ({@code ..}, {@code .}, {@code //}, encoded
 * slashes and dots, {@code ;} parameters, backslashes): the gateway's own endpoints first, then the longest
 * prefix that matches whole segments, the same answer a brute-force search gives; a prefix never matches part
 * of a segment.
 */
class RouteTablePropertiesTest {
    private static final RouteHandler HANDLER = (request, response) -> {};
    private static final List<String> ENDPOINTS = List.of("/health", "/auth", "/.well-known", "/metrics");
    private static final List<String> PREFIXES = List.of(
            "/api",
            "/api/orders",
            "/api/orders/archive",
            "/api/order",
            "/admin",
            "/health-report",
            "/a",
            "/a/b/c",
            "/%2e%2e",
            "/api;v=1");

    private final RouteTable table = new RouteTable(
            ENDPOINTS.stream()
                    .map(prefix -> Route.endpoint(prefix, prefix, HANDLER))
                    .toList(),
            PREFIXES.stream().map(RouteTableTest::route).toList());

    @Property(tries = 1_000)
    void resolveWhenAnyPathThenOwnEndpointOrLongestWholeSegmentPrefix(@ForAll("paths") String path) {
        Optional<Route> resolved = Bounded.call(() -> table.resolve(path));

        Optional<String> expected = longestMatch(ENDPOINTS, path).or(() -> longestMatch(PREFIXES, path));
        assertEquals(expected, resolved.map(Route::prefix), path);
        resolved.ifPresent(route -> {
            String remainder = route.remainder(path);
            assertTrue(remainder.startsWith("/"), remainder);
            assertTrue(path.equals(route.prefix()) || path.equals(route.prefix() + remainder), remainder);
        });
    }

    private static Optional<String> longestMatch(List<String> prefixes, String path) {
        return prefixes.stream()
                .filter(prefix -> path.equals(prefix) || path.startsWith(prefix + "/"))
                .max(Comparator.comparingInt(String::length));
    }

    @Provide
    Arbitrary<String> paths() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.of(
                        "api",
                        "orders",
                        "archive",
                        "order",
                        "ordersx",
                        "admin",
                        "health",
                        "health-report",
                        "auth",
                        ".well-known",
                        "metrics",
                        "a",
                        "b",
                        "c",
                        "..",
                        ".",
                        "",
                        "%2e%2e",
                        "%2E",
                        "%2F",
                        "..%2F",
                        "..;",
                        "api;v=1",
                        ";",
                        "\\",
                        "..\\admin",
                        "%00",
                        "\u0000",
                        "ａｐｉ",
                        "API"),
                Arbitraries.strings().withChars("abc./\\%;2eEfF").ofMaxLength(6));
        return segment.list().ofMaxSize(6).map(segments -> "/" + String.join("/", segments));
    }
}
