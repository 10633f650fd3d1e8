package io.portcullis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MetricsEndpointTest {
    private final PrometheusMeterRegistry registry = GatewayMeters.create();
    private final MetricsEndpoint endpoint = new MetricsEndpoint(registry);
    private final FakeResponse response = FakeResponse.create();

    @AfterEach
    void close() {
        registry.close();
    }

    @Test
    void handleWhenGetThenPrometheusTextWithGatewayAndJvmMeters() throws Exception {
        new RequestMetrics(registry).onComplete(FakeRequest.of("GET", "/x"), 200, 1000);

        endpoint.handle(FakeRequest.of("GET", "/metrics"), response);

        assertEquals(200, response.getStatus());
        assertEquals(MetricsEndpoint.CONTENT_TYPE, response.getContentType());
        String text = response.bodyText();
        assertTrue(text.contains("# TYPE portcullis_requests_total counter"), text);
        assertTrue(
                text.contains("portcullis_requests_total{method_class=\"read\",route=\"none\",status=\"200\","
                        + "status_class=\"2xx\"} 1.0"),
                text);
        assertTrue(text.contains("portcullis_request_duration_seconds_bucket{"), text);
        assertTrue(text.contains("jvm_memory_used_bytes"), text);
        assertTrue(text.contains("jvm_threads_live_threads"), text);
        assertTrue(text.contains("process_files_open_files"), text);
        assertTrue(text.contains("jvm_gc_max_data_size_bytes"), text);
        assertTrue(text.contains("jvm_classes_loaded_classes"), text);
    }

    @Test
    void handleWhenGetThenBuildInfoNamesTheVersion() throws Exception {
        PrometheusMeterRegistry built = GatewayMeters.create(new BuildInfo("9.8.7"));
        try {
            FakeResponse answer = FakeResponse.create();
            new MetricsEndpoint(built).handle(FakeRequest.of("GET", "/metrics"), answer);

            String text = answer.bodyText();
            assertTrue(text.contains("# TYPE portcullis_build_info gauge"), text);
            assertTrue(
                    text.lines()
                            .anyMatch(line -> line.startsWith("portcullis_build_info{")
                                    && line.contains("version=\"9.8.7\"")
                                    && line.matches(".* 1(\\.0)?")),
                    text);
        } finally {
            built.close();
        }
    }

    @Test
    void currentWhenBuiltByMavenThenTheProjectVersion() {
        String version = BuildInfo.current().version();

        assertTrue(version.matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), version);
    }

    @Test
    void handleWhenHeadThenNoBody() throws Exception {
        endpoint.handle(FakeRequest.of("HEAD", "/metrics"), response);

        assertEquals(200, response.getStatus());
        assertEquals("", response.bodyText());
    }

    @Test
    void handleWhenBelowThePathThen404() throws Exception {
        endpoint.handle(FakeRequest.of("GET", "/metrics/other"), response);

        assertEquals(404, response.getStatus());
    }

    @Test
    void handleWhenPostThen405WithAllow() throws Exception {
        endpoint.handle(FakeRequest.of("POST", "/metrics"), response);

        assertEquals(405, response.getStatus());
        assertEquals("GET, HEAD", response.getHeader("Allow"));
    }
}
