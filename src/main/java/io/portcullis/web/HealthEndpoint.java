package io.portcullis.web;

import io.portcullis.chain.JsonResponses;
import io.portcullis.chain.RouteHandler;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.route.RouteStage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /health} and {@code GET /health/live} (liveness: 200 while the process runs, whatever its
 * dependencies say) and {@code GET /health/ready} (200 or 503, with the state of every dependency and of
 * shutdown). Thread-safe.
 */
final class HealthEndpoint implements RouteHandler {
    static final String PREFIX = "/health";

    private final List<ReadinessCheck> checks;

    HealthEndpoint(List<ReadinessCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = RouteStage.path(request);
        boolean live = path.equals(PREFIX) || path.equals(PREFIX + "/live");
        if (!live && !path.equals(PREFIX + "/ready")) {
            ProblemWriter.write(request, response, ProblemType.NOT_FOUND, "No such health endpoint.");
            return;
        }
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            ProblemWriter.write(
                    request,
                    response,
                    new Problem(
                            ProblemType.METHOD_NOT_ALLOWED,
                            "Health endpoints answer GET and HEAD.",
                            Map.of("Allow", "GET, HEAD")));
            return;
        }
        if (live) {
            JsonResponses.write(request, response, 200, Map.of("status", "ok"));
            return;
        }
        boolean ready = true;
        Map<String, Object> body = new LinkedHashMap<>();
        Map<String, Object> details = new LinkedHashMap<>();
        for (ReadinessCheck check : checks) {
            ReadinessCheck.Result result = check.check();
            ready &= result.ready();
            details.put(check.name(), result.details());
        }
        body.put("status", ready ? "ready" : "unready");
        body.putAll(details);
        if (!ready) {
            response.setHeader("Retry-After", "5");
        }
        JsonResponses.write(request, response, ready ? 200 : 503, body);
    }
}
