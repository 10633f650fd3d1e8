package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every error the gateway makes is application/problem+json with a request id, on every node. */
@GatewayIT
class ErrorsIT {

    @OnEachNode
    void resolveWhenNoRouteThen404Problem(GatewayNode node) {
        JsonNode problem = Http.assertProblem(Http.get(node, "/nowhere/at/all"), 404, "No route");

        assertEquals("urn:portcullis:problem:no-route", problem.path("type").asText());
    }

    @OnEachNode
    void resolveWhenRootPathThen404ProblemNotAContainerPage(GatewayNode node) {
        Http.assertProblem(Http.get(node, "/"), 404, "No route");
    }

    @OnEachNode
    void resolveWhenNoRouteAndPostThen404Problem(GatewayNode node) {
        HttpResponse<byte[]> response = Http.send(Http.request(node, "/nowhere")
                .method("DELETE", HttpRequest.BodyPublishers.noBody())
                .build());

        Http.assertProblem(response, 404, "No route");
    }

    @OnEachNode
    void proxyWhenUpstreamRefusesThen502Problem(GatewayNode node) {
        Http.assertProblem(Http.get(node, "/refused/anything"), 502, "Bad Gateway");
    }

    @OnEachNode
    void proxyWhenUpstreamSlowerThanRouteTimeoutThen504Problem(GatewayNode node) {
        long start = System.nanoTime();
        HttpResponse<byte[]> response = Http.get(node, "/slow/sleep");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        Http.assertProblem(response, 504, "Gateway Timeout");
        assertTrue(took.toMillis() < TestUpstream.SLEEP_MILLIS, "answered only after " + took);
    }

    /**
     * TRACE is the gateway's 405 on every container: Tomcat hands its own 405 to the gateway's error page, and on
     * Jetty WEB-INF/jetty-web.xml replaces the default descriptor whose TRACE constraint answered an empty 403.
     */
    @OnEachNode
    void traceWhenAnyPathThen405ProblemNotTheContainers403(GatewayNode node) {
        for (String path : new String[] {"/api/items", "/api/b/x", "/health"}) {
            HttpResponse<byte[]> response = Http.send(Http.request(node, path)
                    .method("TRACE", HttpRequest.BodyPublishers.noBody())
                    .build());

            Http.assertProblem(response, 405, "Method Not Allowed");
        }
    }

    /**
     * No answer names the container or its version (Tomcat: server="" in server.xml, which leaves an empty header;
     * Jetty: jetty-maven.xml, which leaves none).
     */
    @OnEachNode
    void anyAnswerWhenServedThenNoServerHeader(GatewayNode node) {
        List<HttpResponse<byte[]>> responses = List.of(
                Http.get(node, "/health"),
                Http.get(node, "/nowhere"),
                Http.get(node, "/api/items"),
                Http.send(Http.request(node, "/api/items")
                        .method("TRACE", HttpRequest.BodyPublishers.noBody())
                        .build()),
                Http.get(node, "/api/a%2Fb"));

        for (HttpResponse<byte[]> response : responses) {
            assertEquals(
                    "",
                    response.headers().firstValue("Server").orElse("").strip(),
                    response.uri().toString());
            assertEquals(
                    Optional.empty(),
                    response.headers().firstValue("X-Powered-By"),
                    response.uri().toString());
        }
    }

    /**
     * Paths the container itself refuses as ambiguous (an encoded slash, encoded dot segments) are the gateway's
     * problem+json, never the container's HTML page and never a 500.
     */
    @OnEachNode
    void resolveWhenAmbiguousEncodedPathThen400ProblemNotAContainerPage(GatewayNode node) {
        for (String path : new String[] {"/api/a%2Fb", "/api/a%2fb/c", "/api/%2e%2e/admin", "/api/a/%2E%2E/%2e%2E/x"}) {
            Http.RawResponse response = Http.rawGet(InetAddress.getLoopbackAddress(), node, path, Map.of());

            String contentType = response.headers().getOrDefault("content-type", "");
            assertTrue(response.status() >= 400 && response.status() < 500, path + ": " + response.status());
            assertTrue(
                    contentType.startsWith("application/problem+json"),
                    path + ": Content-Type was " + contentType + ", body "
                            + new String(response.body(), StandardCharsets.UTF_8));
            assertEquals(
                    response.status(), Http.json(response.body()).path("status").asInt(), path);
        }
    }

    @OnEachNode
    void healthWhenUnknownSubpathThen404Problem(GatewayNode node) {
        Http.assertProblem(Http.get(node, "/health/nope"), 404, "Not Found");
    }
}
