package io.portcullis.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real upstream HTTP server on a loopback port. By path:
 * <ul>
 *   <li>ending in {@code /stream}: streams the request body back as {@code application/octet-stream};
 *   <li>containing {@code /sleep}: waits {@link #SLEEP_MILLIS} before answering, to trip route timeouts;
 *   <li>containing {@code /widen}: answers as below with CORS headers of its own that would widen any policy
 *       ({@code Access-Control-Allow-Origin: *}, {@code -Allow-Methods: DELETE}) and {@code Vary: Accept-Encoding};
 *   <li>anything else: answers JSON describing what arrived (server name, method, raw path, query,
 *       headers with lower-case names, body size and a short body).
 * </ul>
 */
final class TestUpstream implements AutoCloseable {
    static final long SLEEP_MILLIS = 3_000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_ECHOED_BODY = 4096;

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Set<String> seenPaths = ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> completeBodies = new ConcurrentHashMap<>();

    TestUpstream(String name, int port) throws IOException {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        this.executor = Executors.newFixedThreadPool(16, runnable -> {
            Thread thread = new Thread(runnable, "upstream-" + name);
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getRawPath();
            seenPaths.add(path);
            if (path.endsWith("/stream")) {
                streamBack(exchange);
                return;
            }
            if (path.contains("/sleep")) {
                try {
                    Thread.sleep(SLEEP_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            echo(exchange, path);
        }
    }

    private static void streamBack(HttpExchange exchange) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange.sendResponseHeaders(200, 0);
        try (InputStream in = exchange.getRequestBody();
                OutputStream out = exchange.getResponseBody()) {
            in.transferTo(out);
        }
    }

    private void echo(HttpExchange exchange, String path) throws IOException {
        byte[] received;
        try (InputStream in = exchange.getRequestBody()) {
            received = in.readAllBytes();
        }
        completeBodies.put(path, received.length);
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((key, values) -> headers.put(key.toLowerCase(Locale.ROOT), values));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("server", name);
        body.put("method", exchange.getRequestMethod());
        body.put("path", path);
        body.put("query", exchange.getRequestURI().getRawQuery());
        body.put("headers", headers);
        body.put("body_bytes", received.length);
        if (received.length <= MAX_ECHOED_BODY) {
            body.put("body", new String(received, StandardCharsets.UTF_8));
        }
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        // Upstream headers that the gateway must pass back unchanged, or must not (X-Request-Id).
        exchange.getResponseHeaders().set("X-Upstream", name);
        exchange.getResponseHeaders().set("X-Request-Id", "set-by-upstream");
        if (path.contains("/widen")) {
            exchange.getResponseHeaders().set("Access-Control-Allow-Origin", "*");
            exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "DELETE");
            exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "x-admin");
            exchange.getResponseHeaders().set("Vary", "Accept-Encoding");
        }
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The port it listens on (the one asked for, or the ephemeral one for port 0). */
    int port() {
        return server.getAddress().getPort();
    }

    /** Whether a request for this raw path ever arrived (tests use unique paths to show a refusal stopped at the gateway). */
    boolean saw(String path) {
        return seenPaths.contains(path);
    }

    /**
     * The size of the body that arrived complete for this raw path (the echo read it to its end), or -1 when no
     * request with this path ended its body: a body cut short by the gateway never counts.
     */
    int completeBody(String path) {
        return completeBodies.getOrDefault(path, -1);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
