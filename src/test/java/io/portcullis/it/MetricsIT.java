package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code GET /metrics} on every node: Prometheus text whose counters move with the requests the test makes
 * on that node (each node counts its own requests).
 */
@GatewayIT
class MetricsIT {

    private static String scrape(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/metrics");
        assertEquals(200, response.statusCode());
        // Tomcat writes the media type back without the optional spaces.
        String contentType =
                response.headers().firstValue("Content-Type").orElse("").replace(" ", "");
        assertTrue(contentType.startsWith("text/plain;version=0.0.4"), contentType);
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    /** The value of the one series whose name and labels start with {@code series}, 0 when absent. */
    private static double value(String text, String series) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(series) + "[^\\n]*? ([0-9.eE+-]+)$")
                .matcher(text);
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0;
    }

    /**
     * Scrapes until {@code series} reaches {@code expected} (bounded): a request is counted when it completes,
     * which may be just after its client has read the response.
     */
    private static String awaitValue(GatewayNode node, String series, double expected) throws InterruptedException {
        String text = scrape(node);
        for (int i = 0; i < 40 && value(text, series) < expected; i++) {
            Thread.sleep(50);
            text = scrape(node);
        }
        assertEquals(expected, value(text, series), 0.001, series);
        return text;
    }

    /** What an operator's dashboards expect of any JVM service, and which build is running. */
    @OnEachNode
    void metricsWhenScrapedThenJvmGcThreadClassMetersAndBuildInfo(GatewayNode node) throws Exception {
        String text = scrape(node);

        for (String meter : new String[] {
            "jvm_gc_", "jvm_threads_live_threads", "jvm_classes_loaded_classes", "jvm_memory_used_bytes"
        }) {
            assertTrue(text.contains(meter), meter + " missing");
        }
        assertTrue(
                text.lines()
                        .anyMatch(line -> line.startsWith("portcullis_build_info{")
                                && line.matches(".*version=\"\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?\".*")
                                && line.matches(".* 1(\\.0)?")),
                text);
    }

    @OnEachNode
    void metricsWhenRouteCalledThenRequestCounterByRouteAndStatus(GatewayNode node) throws Exception {
        String series =
                "portcullis_requests_total{method_class=\"read\",route=\"b\",status=\"200\",status_class=\"2xx\"";
        double before = value(scrape(node), series);

        for (int i = 0; i < 3; i++) {
            assertEquals(
                    200,
                    Http.get(node, "/api/b/metrics-it/" + UUID.randomUUID()).statusCode());
        }

        String text = awaitValue(node, series, before + 3);
        assertTrue(text.contains("portcullis_request_duration_seconds_bucket{method_class=\"read\",route=\"b\""), text);
        assertTrue(text.contains("portcullis_upstream_duration_seconds_count{outcome=\"success\",route=\"b\"}"), text);
        assertTrue(!text.contains("metrics-it/"), "no raw path in any label");
    }

    @OnEachNode
    void metricsWhenJwtRefusedThenRejectionByStageAndReason(GatewayNode node) throws Exception {
        String series = "portcullis_rejections_total{reason=\"token-missing\",stage=\"jwt\"";
        double before = value(scrape(node), series);

        Http.assertProblem(Http.get(node, "/jwt/x"), 401, "Authentication required");

        awaitValue(node, series, before + 1);
    }

    @OnEachNode
    void metricsWhenUpstreamRefusesThenConnectFailureCounted(GatewayNode node) throws Exception {
        String series = "portcullis_upstream_failures_total{kind=\"connect\",route=\"/refused\"";
        double before = value(scrape(node), series);

        assertEquals(502, Http.get(node, "/refused/x").statusCode());

        awaitValue(node, series, before + 1);
    }

    @OnEachNode
    void metricsWhenUpstreamTooSlowThenTimeoutCounted(GatewayNode node) throws Exception {
        String series = "portcullis_upstream_failures_total{kind=\"timeout\",route=\"/slow\"";
        double before = value(scrape(node), series);

        assertEquals(504, Http.get(node, "/slow/sleep").statusCode());

        awaitValue(node, series, before + 1);
    }

    @OnEachNode
    void metricsWhenRedisSharedThenBreakerClosedAndCommandsTimed(GatewayNode node) {
        String text = scrape(node);

        assertEquals(0, value(text, "portcullis_redis_breaker_open"), 0.001);
        assertTrue(value(text, "portcullis_redis_command_duration_seconds_count{outcome=\"success\"") > 0, text);
        assertTrue(text.contains("portcullis_token_cache_misses_total"), text);
    }
}
