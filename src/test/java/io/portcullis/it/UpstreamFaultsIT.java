package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Upstreams that break the exchange at the socket level ({@link FaultUpstream}, behind the {@code /fault}
 * route with a 1 s timeout): before the response the gateway answers 502 (504 when the upstream is silent past
 * the route timeout), never a 500 or a stack trace; after the response has started it cuts the response short
 * within the route timeout, so a keep-alive client is not left waiting for bytes that will never come. After
 * every fault the node still serves the same upstream and the others. (A refused connection is covered by
 * {@link ErrorsIT}.)
 */
@GatewayIT
class UpstreamFaultsIT {
    static final int PORT = Integer.getInteger("upstream.fault.port", 0);
    /** The route timeout of /fault, plus room for a busy machine. */
    private static final Duration BOUND = Duration.ofMillis(1_000 + 1_500);

    private static FaultUpstream upstream;

    @BeforeAll
    static void start() throws IOException {
        assertTrue(PORT != 0, "upstream.fault.port is not set: run with mvn verify");
        upstream = new FaultUpstream(PORT);
    }

    @AfterAll
    static void stop() {
        upstream.close();
    }

    @OnEachNode
    void proxyWhenUpstreamResetsBeforeAnsweringThen502(GatewayNode node) {
        assertBadGateway(node, "reset");
    }

    @OnEachNode
    void proxyWhenUpstreamClosesBeforeAnsweringThen502(GatewayNode node) {
        assertBadGateway(node, "close");
    }

    @OnEachNode
    void proxyWhenUpstreamHalfClosesBeforeAnsweringThen502(GatewayNode node) {
        assertBadGateway(node, "half-close");
    }

    @OnEachNode
    void proxyWhenUpstreamAnswersGarbageThen502(GatewayNode node) {
        assertBadGateway(node, "garbage");
    }

    @OnEachNode
    void proxyWhenUpstreamHeadOversizedThen502(GatewayNode node) {
        assertBadGateway(node, "huge-header");
    }

    @OnEachNode
    void proxyWhenUpstreamSilentPastRouteTimeoutThen504InTime(GatewayNode node) {
        String path = path("slow");
        long start = System.nanoTime();
        HttpResponse<byte[]> response = Http.get(node, path);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        Http.assertProblem(response, 504, "Gateway Timeout");
        assertTrue(took.compareTo(BOUND) < 0, "answered after " + took);
        assertTrue(upstream.saw(path));
        assertStillServing(node);
    }

    @OnEachNode
    void proxyWhenUpstreamResetsMidBodyThenResponseCutShortAndNodeServes(GatewayNode node) {
        assertCutShort(node, "reset-mid-body");
    }

    @OnEachNode
    void proxyWhenUpstreamResetsMidChunkedBodyThenClientSeesErrorNotACompleteBody(GatewayNode node) {
        assertCutShort(node, "reset-mid-chunks");
    }

    @OnEachNode
    void proxyWhenUpstreamHalfClosesMidBodyThenResponseCutShortAndNodeServes(GatewayNode node) {
        assertCutShort(node, "half-close-mid-body");
    }

    @OnEachNode
    void proxyWhenUpstreamStallsMidBodyThenResponseCutShortWithinRouteTimeout(GatewayNode node) {
        assertCutShort(node, "stall-mid-body");
    }

    private static void assertBadGateway(GatewayNode node, String fault) {
        String path = path(fault);
        long start = System.nanoTime();
        HttpResponse<byte[]> response = Http.get(node, path);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        Http.assertProblem(response, 502, "Bad Gateway");
        assertNoInternals(response.body());
        assertTrue(upstream.saw(path), "the request reached the upstream");
        assertTrue(took.compareTo(BOUND) < 0, "answered after " + took);
        assertStillServing(node);
    }

    /**
     * The 200 head has gone out when the upstream breaks: a keep-alive client (the JDK client) must see an
     * error, within the route timeout, never a body presented as complete (nor wait for bytes that never come).
     */
    private static void assertCutShort(GatewayNode node, String fault) {
        String path = path(fault);
        long start = System.nanoTime();
        HttpResponse<byte[]> response = null;
        try {
            response = Http.get(node, path);
        } catch (java.io.UncheckedIOException expected) {
            // The connection was cut: what a client must see when a response breaks after its head.
        }
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        if (response != null) {
            int status = response.statusCode();
            int length = response.body().length;
            // A 502 is as honest, when the failure won the race against the head.
            assertEquals(
                    502,
                    status,
                    () -> "a broken body was delivered as a complete " + status + " of " + length + " bytes");
            Http.assertProblem(response, 502, "Bad Gateway");
        }
        assertTrue(upstream.saw(path), "the request reached the upstream");
        assertTrue(took.compareTo(BOUND) < 0, "the client waited " + took);
        assertStillServing(node);
    }

    /** The node answers from the same upstream and from another one right after the fault. */
    private static void assertStillServing(GatewayNode node) {
        HttpResponse<byte[]> control = Http.get(node, path("ok"));
        assertEquals(200, control.statusCode(), () -> new String(control.body(), StandardCharsets.UTF_8));
        assertEquals("fault", Http.json(control).path("upstream").asText());
        assertEquals(200, Http.get(node, "/api/after-fault").statusCode());
        assertEquals(200, Http.get(node, "/health").statusCode());
    }

    private static void assertNoInternals(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        assertFalse(text.contains("Exception") || text.contains("\tat ") || text.contains("<html"), text);
    }

    private static String path(String fault) {
        return "/fault/" + UUID.randomUUID() + "/" + fault;
    }
}
