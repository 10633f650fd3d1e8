package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

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
                .method("DELETE", HttpRequest.BodyPublishers.noBody()).build());

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

    @OnEachNode
    void traceWhenContainerRefusesItThenNeverAnHtmlPage(GatewayNode node) {
        // The container answers TRACE itself inside the webapp: Tomcat with a 405 that its error dispatch
        // hands to the gateway servlet, Jetty with an empty 403 from its default security constraint.
        HttpResponse<byte[]> response = Http.send(Http.request(node, "/api/items")
                .method("TRACE", HttpRequest.BodyPublishers.noBody()).build());

        assertTrue(response.statusCode() == 403 || response.statusCode() == 405, "status " + response.statusCode());
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        assertFalse(contentType.contains("html"), "Content-Type was " + contentType);
        if (response.body().length > 0) {
            Http.assertProblem(response, response.statusCode(), response.statusCode() == 405 ? "Method Not Allowed" : "Forbidden");
        }
    }

    @OnEachNode
    void healthWhenUnknownSubpathThen404Problem(GatewayNode node) {
        Http.assertProblem(Http.get(node, "/health/nope"), 404, "Not Found");
    }
}
