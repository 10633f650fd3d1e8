package io.portcullis.web;

import io.portcullis.chain.JsonResponses;
import io.portcullis.chain.RouteHandler;
import io.portcullis.route.RouteStage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The demo upstream inside the WAR, present only in demo mode: it answers with what it received (method,
 * path, query, headers, body size), so a newcomer sees what the gateway sends upstream. Thread-safe.
 */
final class DemoEchoEndpoint implements RouteHandler {
    static final String PREFIX = "/_demo/echo";

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        long bodyBytes = 0;
        byte[] buffer = new byte[8192];
        try (InputStream in = request.getInputStream()) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bodyBytes += n;
            }
        }
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), String.join(", ", Collections.list(request.getHeaders(name))));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("upstream", "portcullis demo echo");
        body.put("method", request.getMethod());
        body.put(
                "path",
                RouteStage.path(request).substring(PREFIX.length()).isEmpty()
                        ? "/"
                        : RouteStage.path(request).substring(PREFIX.length()));
        body.put("query", request.getQueryString());
        body.put("headers", headers);
        body.put("body_bytes", bodyBytes);
        JsonResponses.write(request, response, 200, body);
    }
}
