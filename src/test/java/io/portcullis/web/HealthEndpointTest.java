package io.portcullis.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final FakeResponse response = FakeResponse.create();

    private static ReadinessCheck check(String name, boolean ready, Object details) {
        return new ReadinessCheck() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Result check() {
                return new Result(ready, details);
            }
        };
    }

    private JsonNode body() throws Exception {
        return JSON.readTree(response.bodyText());
    }

    @Test
    void handleWhenHealthThenOkWhateverTheChecksSay() throws Exception {
        new HealthEndpoint(List.of(check("redis", false, "down"))).handle(FakeRequest.of("GET", "/health"), response);

        assertEquals(200, response.getStatus());
        assertEquals("application/json", response.getContentType());
        assertEquals("ok", body().path("status").asText());
    }

    @Test
    void handleWhenReadyAndAllChecksPassThen200WithDetails() throws Exception {
        HealthEndpoint endpoint =
                new HealthEndpoint(List.of(check("upstreams", true, Map.of("http://a:1", Map.of("status", "down")))));

        endpoint.handle(FakeRequest.of("GET", "/health/ready"), response);

        assertEquals(200, response.getStatus());
        assertEquals("ready", body().path("status").asText());
        assertEquals(
                "down",
                body().path("upstreams").path("http://a:1").path("status").asText());
        assertNull(response.getHeader("Retry-After"));
    }

    @Test
    void handleWhenReadyAndACheckFailsThen503WithRetryAfter() throws Exception {
        HealthEndpoint endpoint = new HealthEndpoint(
                List.of(check("upstreams", true, Map.of()), check("redis", false, Map.of("status", "down"))));

        endpoint.handle(FakeRequest.of("GET", "/health/ready"), response);

        assertEquals(503, response.getStatus());
        assertEquals("unready", body().path("status").asText());
        assertEquals("down", body().path("redis").path("status").asText());
        assertEquals("5", response.getHeader("Retry-After"));
    }

    @Test
    void handleWhenLiveThenOkWhateverTheChecksSay() throws Exception {
        new HealthEndpoint(List.of(check("redis", false, "down")))
                .handle(FakeRequest.of("GET", "/health/live"), response);

        assertEquals(200, response.getStatus());
        assertEquals("ok", JSON.readTree(response.bodyText()).path("status").asText());
    }

    @Test
    void handleWhenShutdownBegunThenReady503DrainingButLiveStill200() throws Exception {
        ShutdownReadiness shutdown = new ShutdownReadiness();
        HealthEndpoint endpoint = new HealthEndpoint(List.of(check("redis", true, "up"), shutdown));
        endpoint.handle(FakeRequest.of("GET", "/health/ready"), response);
        assertEquals(200, response.getStatus());
        assertEquals(
                "running", JSON.readTree(response.bodyText()).path("shutdown").asText());

        shutdown.begin();
        FakeResponse ready = FakeResponse.create();
        endpoint.handle(FakeRequest.of("GET", "/health/ready"), ready);
        FakeResponse live = FakeResponse.create();
        endpoint.handle(FakeRequest.of("GET", "/health/live"), live);

        assertEquals(503, ready.getStatus());
        assertEquals("unready", JSON.readTree(ready.bodyText()).path("status").asText());
        assertEquals(
                "draining", JSON.readTree(ready.bodyText()).path("shutdown").asText());
        assertEquals("5", ready.getHeader("Retry-After"));
        assertEquals(200, live.getStatus());
    }

    @Test
    void handleWhenPostThen405ProblemWithAllow() throws Exception {
        new HealthEndpoint(List.of()).handle(FakeRequest.of("POST", "/health"), response);

        assertEquals(405, response.getStatus());
        assertEquals("application/problem+json", response.getContentType());
        assertEquals("GET, HEAD", response.getHeader("Allow"));
    }

    @Test
    void handleWhenUnknownSubpathThen404Problem() throws Exception {
        new HealthEndpoint(List.of()).handle(FakeRequest.of("GET", "/health/nope"), response);

        assertEquals(404, response.getStatus());
        assertEquals("application/problem+json", response.getContentType());
    }

    @Test
    void handleWhenHeadThenStatusWithoutBody() throws Exception {
        new HealthEndpoint(List.of()).handle(FakeRequest.of("HEAD", "/health"), response);

        assertEquals(200, response.getStatus());
        assertEquals("", response.bodyText());
    }
}
