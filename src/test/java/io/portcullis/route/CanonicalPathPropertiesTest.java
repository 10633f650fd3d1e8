package io.portcullis.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.chain.CanonicalPath;
import io.portcullis.chain.Route;
import io.portcullis.chain.RouteHandler;
import io.portcullis.config.RouteConfig;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Raw paths built from hostile pieces (dot-segments plain and encoded, path parameters, encoded separators and
 * controls, double and overlong encodings, repeated slashes, non-ASCII): whatever {@link CanonicalPath} accepts
 * has exactly one reading. The forwarded path decodes, segment by segment, to the canonical path the route
 * matched and starts with the route's prefix; read again by the gateway (or by a servlet container, which strips
 * path parameters, decodes and removes dot-segments) it is the same path.
 */
class CanonicalPathPropertiesTest {
    private static final RouteHandler HANDLER = (request, response) -> {};
    private static final RouteTable TABLE = new RouteTable(
            List.of(Route.endpoint("health", "/health", HANDLER)),
            List.of(route("/a", false), route("/a/admin", false), route("/m", true), route("/m/admin", false)));

    private static Route route(String prefix, boolean pathParameters) {
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
                        Optional.empty(),
                        pathParameters),
                HANDLER);
    }

    @Property(tries = 3000)
    void parseWhenAcceptedThenTheForwardedPathDecodesToTheMatchedPathUnderTheRoutePrefix(
            @ForAll("rawPaths") String raw) {
        CanonicalPath.Decision decision = CanonicalPath.parse(raw);
        Statistics.label("decision").collect(decision.getClass().getSimpleName());
        // The generator must reach both answers often, or the property proves little.
        Statistics.label("decision").coverage(coverage -> {
            coverage.check("Accepted").percentage(p -> p > 10);
            coverage.check("Refused").percentage(p -> p > 10);
        });
        if (!(decision instanceof CanonicalPath.Accepted accepted)) {
            return;
        }
        CanonicalPath path = accepted.path();
        String encoded = path.encoded();

        assertTrue(
                encoded.matches(
                        path.hasParameters()
                                ? "(/|[A-Za-z0-9._~;=,-]|%[0-9A-F]{2})*"
                                : "(/|[A-Za-z0-9._~-]|%[0-9A-F]{2})*"),
                () -> raw + " → " + encoded);
        assertEquals(path.path(), containerReading(encoded), () -> raw + " → " + encoded);
        CanonicalPath again = assertInstanceOf(CanonicalPath.Accepted.class, CanonicalPath.parse(encoded), encoded)
                .path();
        assertEquals(path.path(), again.path(), encoded);
        assertEquals(encoded, again.encoded());
        assertFalse(again.climbsAbove(Integer.MAX_VALUE - 1), encoded);

        Optional<Route> route = TABLE.resolve(path.path());
        Statistics.label("route").collect(route.map(Route::prefix).orElse("none"));
        Statistics.label("route").coverage(coverage -> {
            coverage.check("/a/admin").count(n -> n > 10);
            coverage.check("/m").count(n -> n > 10);
        });
        if (route.isEmpty()
                || (path.hasParameters() && !route.get().allowsPathParameters())
                || path.climbsAbove(CanonicalPath.depth(route.get().prefix()))) {
            return;
        }
        String prefix = route.get().prefix();
        assertTrue(under(path.path(), prefix), () -> raw + " → " + path.path() + " matched " + prefix);
        assertTrue(under(containerReading(encoded), prefix), () -> raw + " → " + encoded + " outside " + prefix);
        String rest = path.encodedAfter(CanonicalPath.depth(prefix));
        assertEquals(
                prefix.equals("/") ? path.path() : path.path().substring(prefix.length()),
                rest.isEmpty() ? "" : containerReading(rest),
                () -> raw + " → stripped " + rest);
    }

    /**
     * What a servlet container resolves for a path the gateway sends: path parameters dropped from each segment,
     * each segment percent-decoded as UTF-8, {@code .} and {@code ..} removed, repeated slashes merged.
     */
    static String containerReading(String sent) {
        List<String> out = new ArrayList<>();
        String[] segments = sent.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            String segment = segments[i];
            int semicolon = segment.indexOf(';');
            String name = URLDecoder.decode(
                    (semicolon < 0 ? segment : segment.substring(0, semicolon)).replace("+", "%2B"),
                    StandardCharsets.UTF_8);
            boolean last = i == segments.length - 1;
            if (name.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
                if (last) {
                    out.add("");
                }
            } else if (name.equals(".") || (name.isEmpty() && !last)) {
                if (last) {
                    out.add("");
                }
            } else {
                out.add(name);
            }
        }
        return "/" + String.join("/", out);
    }

    private static boolean under(String path, String prefix) {
        return prefix.equals("/") || path.equals(prefix) || path.startsWith(prefix + "/");
    }

    @Provide
    Arbitrary<String> rawPaths() {
        Arbitrary<String> piece = Arbitraries.of(
                "a",
                "admin",
                "m",
                "health",
                "x",
                ".",
                "..",
                "...",
                "%2e",
                "%2E",
                ".%2e",
                "%2e%2E",
                ";",
                ";x=1",
                ";jsessionid=0",
                "%3B",
                "%3b",
                "%2F",
                "%2f",
                "%5C",
                "\\",
                "%00",
                "%0d",
                "%7f",
                "%25",
                "%252e",
                "%c0%ae",
                "%c0%af",
                "%e0%80%ae",
                "%C3%A9",
                "%c3%a9",
                "%ff",
                "%c3",
                "%",
                "%g1",
                "é",
                " ",
                "%20",
                "+",
                "%2B",
                "=",
                ",",
                ":",
                "@",
                "~",
                "%7E",
                "%61",
                "%u002e",
                "%ef%bc%8f",
                "%F0%9F%98%80",
                "%ED%A0%80",
                "%C2%85");
        Arbitrary<String> segment = piece.list().ofMinSize(0).ofMaxSize(3).map(parts -> String.join("", parts));
        Arbitrary<String> start = Arbitraries.of("", "/a", "/a/admin", "/m", "/m/admin", "/a/x", "/m;v=1");
        return net.jqwik.api.Combinators.combine(
                        start, segment.list().ofMinSize(1).ofMaxSize(5))
                .as((first, segments) -> first + "/" + String.join("/", segments));
    }
}
