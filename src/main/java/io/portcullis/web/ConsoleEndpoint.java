package io.portcullis.web;

import io.portcullis.chain.RouteHandler;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.route.RouteStage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The demo console, present only in demo mode: serves the page under {@code /console/} from the WAR's own
 * files ({@code src/main/webapp/console/}) through {@link jakarta.servlet.ServletContext#getResourceAsStream},
 * so it works alike on every container although the gateway servlet is mapped to {@code /*}. Only the files
 * listed here are served, each with its content type, an ETag ({@code Cache-Control: no-cache}: revalidated on
 * every load, answered 304 when unchanged) and a Content-Security-Policy that allows nothing but this origin's
 * own scripts, styles and requests. Thread-safe.
 */
final class ConsoleEndpoint implements RouteHandler {
    static final String PREFIX = "/console";
    /** Where the files lie inside the WAR. */
    private static final String RESOURCES = "/console/";

    private static final Map<String, String> FILES = Map.of(
            "index.html", "text/html;charset=UTF-8",
            "console.css", "text/css;charset=UTF-8",
            "console.js", "text/javascript;charset=UTF-8",
            "portcullis-client.js", "text/javascript;charset=UTF-8");
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = RouteStage.path(request);
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            ProblemWriter.write(
                    request,
                    response,
                    new Problem(
                            ProblemType.METHOD_NOT_ALLOWED,
                            "The console answers GET and HEAD.",
                            Map.of("Allow", "GET, HEAD")));
            return;
        }
        if (path.equals(PREFIX)) {
            // The page's relative links need the trailing slash.
            response.setStatus(HttpServletResponse.SC_MOVED_PERMANENTLY);
            response.setHeader("Location", request.getContextPath() + PREFIX + "/");
            response.setHeader("Cache-Control", "no-cache");
            return;
        }
        String name = path.substring(PREFIX.length() + 1);
        name = name.isEmpty() ? "index.html" : name;
        String contentType = FILES.get(name);
        byte[] bytes = contentType == null ? null : read(request, name);
        if (bytes == null) {
            ProblemWriter.write(request, response, ProblemType.NOT_FOUND, "The console has no such file.");
            return;
        }
        String etag = "\"" + digest(bytes) + "\"";
        response.setHeader("ETag", etag);
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        response.setHeader("X-Frame-Options", "DENY");
        if (etag.equals(request.getHeader("If-None-Match"))) {
            response.setStatus(HttpServletResponse.SC_NOT_MODIFIED);
            return;
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        if (!request.getMethod().equals("HEAD")) {
            response.getOutputStream().write(bytes);
        }
    }

    private static byte[] read(HttpServletRequest request, String name) throws IOException {
        try (InputStream in = request.getServletContext().getResourceAsStream(RESOURCES + name)) {
            return in == null ? null : in.readAllBytes();
        }
    }

    private static String digest(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
