package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The gateway's own health endpoints, on every node. */
@GatewayIT
class HealthIT {

    @OnEachNode
    void healthWhenRunningThenOk(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/health");

        assertEquals(200, response.statusCode());
        assertEquals(
                "application/json",
                response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertEquals("ok", Http.json(response).path("status").asText());
        assertEquals(
                32, response.headers().firstValue("X-Request-Id").orElse("").length());
    }

    @OnEachNode
    void liveWhenRunningThenOkAndReadyReportsShutdownRunning(GatewayNode node) {
        HttpResponse<byte[]> live = Http.get(node, "/health/live");

        assertEquals(200, live.statusCode());
        assertEquals("ok", Http.json(live).path("status").asText());
        assertEquals(
                "running",
                Http.json(Http.get(node, "/health/ready")).path("shutdown").asText());
    }

    @OnEachNode
    void readyWhenOneUpstreamDownThenReadyAndReportsIt(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/health/ready");

        assertEquals(200, response.statusCode());
        JsonNode body = Http.json(response);
        assertEquals("ready", body.path("status").asText());
        JsonNode upstreams = body.path("upstreams");
        assertEquals(
                "up",
                upstreams
                        .path("http://127.0.0.1:" + Upstreams.A_PORT)
                        .path("status")
                        .asText(),
                body.toString());
        assertEquals(
                "up",
                upstreams
                        .path("http://127.0.0.1:" + Upstreams.B_PORT)
                        .path("status")
                        .asText(),
                body.toString());
        assertEquals(
                "down",
                upstreams
                        .path("http://127.0.0.1:" + Upstreams.REFUSED_PORT)
                        .path("status")
                        .asText(),
                body.toString());
    }

    @OnEachNode
    void readyWhenRedisSharedThenReportsItUp(GatewayNode node) {
        JsonNode body = Http.json(Http.get(node, "/health/ready"));

        assertEquals("up", body.path("redis").path("status").asText(), body.toString());
    }

    /** Redis is shared, so one outage is watched on every node at once. */
    @Test
    void readyWhenRedisStopsThen503NamingRedisOnEveryNodeAndRecoversByItself() throws Exception {
        GatewayRedis.redis().stop();
        try {
            for (GatewayNode node : GatewayNode.all()) {
                HttpResponse<byte[]> down = Http.get(node, "/health/ready");
                for (int i = 0; i < 50 && down.statusCode() != 503; i++) {
                    Thread.sleep(100);
                    down = Http.get(node, "/health/ready");
                }
                assertEquals(503, down.statusCode(), node.name());
                assertEquals("unready", Http.json(down).path("status").asText());
                assertEquals(
                        "down",
                        Http.json(down).path("redis").path("status").asText(),
                        Http.json(down).toString());
                assertEquals(200, Http.get(node, "/health").statusCode(), "liveness does not depend on Redis");
            }
        } finally {
            GatewayRedis.redis().startAgain();
        }
        GatewayRedis.awaitNodesReady();
        for (GatewayNode node : GatewayNode.all()) {
            assertEquals(200, Http.get(node, "/health/ready").statusCode(), node.name());
        }
    }

    @OnEachNode
    void healthWhenPostThen405ProblemWithAllow(GatewayNode node) {
        HttpResponse<byte[]> response = Http.send(Http.request(node, "/health")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());

        Http.assertProblem(response, 405, "Method Not Allowed");
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(null));
    }
}
