package io.portcullis.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.portcullis.chain.RouteHandler;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.route.RouteStage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * {@code GET /metrics}: every meter in the Prometheus text exposition format (version 0.0.4). Answered
 * whatever the routes say and without authentication, like {@code /health}: bind or protect it at the
 * container or network. Thread-safe.
 *
 * @see <a href="https://prometheus.io/docs/instrumenting/exposition_formats/">Prometheus exposition formats</a>
 */
public final class MetricsEndpoint implements RouteHandler {
    /** The path the endpoint answers. */
    public static final String PREFIX = "/metrics";
    /** The media type of the Prometheus text format. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry;

    public MetricsEndpoint(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!RouteStage.path(request).equals(PREFIX)) {
            ProblemWriter.write(request, response, ProblemType.NOT_FOUND, "The metrics are at " + PREFIX + ".");
            return;
        }
        String method = request.getMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ProblemWriter.write(
                    request,
                    response,
                    new Problem(
                            ProblemType.METHOD_NOT_ALLOWED,
                            "The metrics endpoint answers GET and HEAD.",
                            Map.of("Allow", "GET, HEAD")));
            return;
        }
        byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(CONTENT_TYPE);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.length);
        if (!method.equals("HEAD")) {
            response.getOutputStream().write(body);
        }
    }
}
