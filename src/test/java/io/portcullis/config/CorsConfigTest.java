package io.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CorsConfigTest {
    private static final String HEAD = "gateway: {demo: true}\n";
    private final ConfigLoader loader = new ConfigLoader(name -> null);

    private GatewayConfig parse(String yaml) {
        return loader.parse("test.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), Path.of("."));
    }

    private List<String> problems(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).problems();
    }

    private static String route(String cors) {
        return HEAD + "routes:\n  - { prefix: /api, upstream: \"http://127.0.0.1:1\"" + cors + " }\n";
    }

    @Test
    void parseWhenRouteHasCorsThenPolicyNormalisedWithDefaults() {
        RouteConfig route = parse(
                        route(", cors: { origins: [\"HTTPS://App.Example.com:443\", \"http://127.0.0.1:5173\"] }"))
                .routes()
                .get(0);

        CorsConfig cors = route.cors().orElseThrow();
        assertEquals(List.of("https://app.example.com", "http://127.0.0.1:5173"), cors.origins());
        assertEquals(CorsConfig.DEFAULT_METHODS, cors.methods());
        assertEquals(List.of(), cors.headers());
        assertEquals(false, cors.credentials());
        assertEquals(Duration.ofMinutes(30), cors.maxAge());
    }

    @Test
    void parseWhenGatewayDefaultThenRoutesInheritItUnlessOffOrOwn() {
        GatewayConfig config = parse("""
                gateway:
                  demo: true
                  cors: { origins: ["https://a.example"], headers: [Authorization, Content-Type], credentials: true,
                          expose-headers: [RateLimit], max-age: 10m, methods: [GET, PUT] }
                routes:
                  - { prefix: /inherits, upstream: "http://127.0.0.1:1" }
                  - { prefix: /off, upstream: "http://127.0.0.1:1", cors: off }
                  - { prefix: /false, upstream: "http://127.0.0.1:1", cors: false }
                  - { prefix: /own, upstream: "http://127.0.0.1:1", cors: { origins: ["https://b.example"] } }
                """);

        CorsConfig defaults = config.gateway().cors().orElseThrow();
        assertEquals(List.of("authorization", "content-type"), defaults.headers());
        assertEquals(List.of("GET", "PUT"), defaults.methods());
        assertEquals(List.of("RateLimit"), defaults.exposeHeaders());
        assertEquals(Duration.ofMinutes(10), defaults.maxAge());
        assertEquals(Optional.of(defaults), config.routes().get(0).cors());
        assertEquals(Optional.empty(), config.routes().get(1).cors());
        assertEquals(Optional.empty(), config.routes().get(2).cors());
        assertEquals(
                List.of("https://b.example"),
                config.routes().get(3).cors().orElseThrow().origins());
    }

    @Test
    void parseWhenNoCorsAnywhereThenNone() {
        GatewayConfig config = parse(route(""));

        assertEquals(Optional.empty(), config.gateway().cors());
        assertEquals(Optional.empty(), config.routes().get(0).cors());
    }

    @Test
    void parseWhenCredentialsWithAnyOriginThenRefused() {
        assertEquals(
                List.of("routes[0].cors.credentials: cannot be true when origins holds *: browsers refuse "
                        + "credentials with any origin; list the origins instead"),
                problems(route(", cors: { origins: [\"*\"], credentials: true }")));
    }

    @Test
    void parseWhenGatewayCredentialsWithAnyOriginThenRefusedAtItsPath() {
        assertEquals(
                List.of("gateway.cors.credentials: cannot be true when origins holds *: browsers refuse "
                        + "credentials with any origin; list the origins instead"),
                problems("gateway:\n  demo: true\n  cors: { origins: [\"*\"], credentials: true }\n"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "https://app.example.com/",
                "https://app.example.com/path",
                "app.example.com",
                "https://user@app.example.com",
                "https://app.example.com:0",
                "https://app.example.com:65536",
                "https://app..example.com",
                "https://-app.example.com",
                "https://*.com",
                "https://a.*.example.com",
                "https://app.example.com?x=1",
                "https://",
                "ftp ://app.example.com",
            })
    void parseWhenOriginMalformedThenRefusedNamingIt(String origin) {
        assertEquals(
                List.of("routes[0].cors.origins[1]: not an origin: scheme://host[:port] with no path and no "
                        + "trailing slash, *, null or scheme://*.domain (was \"" + origin + "\")"),
                problems(route(", cors: { origins: [\"https://ok.example\", \"" + origin + "\"] }")));
    }

    @Test
    void parseWhenOriginsMissingThenRequired() {
        assertEquals(
                List.of("routes[0].cors.origins: required: the browser origins allowed to call, such as "
                        + "https://app.example.com"),
                problems(route(", cors: { credentials: false }")));
    }

    @Test
    void parseWhenMethodOrHeaderMalformedThenRefused() {
        assertEquals(
                List.of(
                        "routes[0].cors.methods[0]: not an upper-case method name (was \"get\")",
                        "routes[0].cors.headers[0]: not a header name (was \"bad header\")",
                        "routes[0].cors.expose-headers: must name the headers (* is not accepted)"),
                problems(route(", cors: { origins: [\"https://a.example\"], methods: [get], headers: [\"bad header\"], "
                        + "expose-headers: [\"*\"] }")));
    }

    @Test
    void parseWhenMaxAgeTooLongThenRefused() {
        assertEquals(
                List.of("routes[0].cors.max-age: must be at most 24h (browsers cap it far lower; was PT168H)"),
                problems(route(", cors: { origins: [\"https://a.example\"], max-age: 7d }")));
    }

    @Test
    void parseWhenCorsNeitherOffNorMappingThenRefused() {
        assertEquals(
                List.of("routes[0].cors: must be off or a mapping {origins, methods, headers, expose-headers, "
                        + "credentials, max-age} (was \"yes please\")"),
                problems(route(", cors: \"yes please\"")));
    }

    @Test
    void parseWhenUnknownCorsKeyThenRefused() {
        assertTrue(problems(route(", cors: { origins: [\"https://a.example\"], allow-origin: x }"))
                .contains("routes[0].cors.allow-origin: unknown key"));
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "http://EXAMPLE.com:80|http://example.com",
                "https://example.com:8443|https://example.com:8443",
                "http://[::1]:8080|http://[::1]:8080",
                "null|null",
                "chrome-extension://abcdef|chrome-extension://abcdef",
            })
    void originWhenValidThenSerialised(String text, String expected) {
        assertEquals(Optional.of(expected), CorsConfig.origin(text, false));
    }

    @Test
    void originWhenPatternOutsideConfigThenNotAnOrigin() {
        assertEquals(Optional.empty(), CorsConfig.origin("https://*.example.com", false));
        assertEquals(Optional.of("https://*.example.com"), CorsConfig.origin("https://*.example.com", true));
    }
}
