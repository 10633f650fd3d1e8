package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The integration tests' HTTP client: HTTP/1.1, bounded timeouts, helpers for JSON and problem bodies. */
final class Http {
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    /** The most a raw exchange reads of a response. */
    static final int MAX_RAW_RESPONSE = 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private Http() {}

    static HttpRequest.Builder request(GatewayNode node, String pathAndQuery) {
        return HttpRequest.newBuilder(node.uri(pathAndQuery)).timeout(TIMEOUT);
    }

    static HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static HttpResponse<byte[]> get(GatewayNode node, String pathAndQuery, String... headers) {
        HttpRequest.Builder builder = request(node, pathAndQuery).GET();
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return send(builder.build());
    }

    static JsonNode json(HttpResponse<byte[]> response) {
        return json(response.body());
    }

    static JsonNode json(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + new String(body, StandardCharsets.UTF_8), e);
        }
    }

    /** The echo upstream's view of the request: the first value of a header, or null. */
    static String upstreamHeader(JsonNode echo, String name) {
        JsonNode values = echo.path("headers").path(name.toLowerCase(Locale.ROOT));
        return values.isArray() && !values.isEmpty() ? values.get(0).asText() : null;
    }

    /** Asserts an RFC 9457 problem from the gateway and returns its body. */
    static JsonNode assertProblem(HttpResponse<byte[]> response, int status, String title) {
        assertEquals(
                status, response.statusCode(), () -> "body: " + new String(response.body(), StandardCharsets.UTF_8));
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(contentType.startsWith("application/problem+json"), "Content-Type was " + contentType);
        JsonNode problem = json(response);
        assertEquals(status, problem.path("status").asInt());
        assertEquals(title, problem.path("title").asText());
        assertTrue(problem.path("type").asText().startsWith("urn:portcullis:problem:"), problem.toString());
        assertFalse(problem.path("detail").asText().isEmpty(), problem.toString());
        String requestId = problem.path("request_id").asText();
        assertFalse(requestId.isEmpty(), "request_id missing: " + problem);
        assertEquals(requestId, response.headers().firstValue("X-Request-Id").orElse(null));
        return problem;
    }

    /** A response read from a raw socket. Header names are lower-case. */
    record RawResponse(int status, Map<String, String> headers, byte[] body) {}

    /**
     * Sends a GET over a socket bound to {@code localAddress}, so the gateway sees that peer address
     * (any address of 127.0.0.0/8 works on Linux loopback).
     */
    static RawResponse rawGet(InetAddress localAddress, GatewayNode node, String path, Map<String, String> headers) {
        StringBuilder request = new StringBuilder("GET ")
                .append(path)
                .append(" HTTP/1.1\r\n")
                .append("Host: ")
                .append(node.authority())
                .append("\r\nConnection: close\r\n");
        headers.forEach(
                (name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        return raw(localAddress, node, request.toString().getBytes(StandardCharsets.ISO_8859_1), TIMEOUT);
    }

    /**
     * Writes {@code request} as it is (it should say {@code Connection: close}) on a new connection bound to
     * {@code localAddress} and reads the response until the server closes, at most {@link #MAX_RAW_RESPONSE}
     * bytes. A server that resets the connection after answering (a container refusing a request before
     * reading its body) still yields the response it wrote.
     *
     * @throws UncheckedIOException when no complete response head arrived within {@code timeout} per read
     */
    static RawResponse raw(InetAddress localAddress, GatewayNode node, byte[] request, Duration timeout) {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (Socket socket = new Socket()) {
            socket.setSoTimeout((int) timeout.toMillis());
            socket.bind(new InetSocketAddress(localAddress, 0));
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), node.port()), 5_000);
            try {
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
            } catch (IOException e) {
                // The server may have answered and closed before taking the whole request: read what it said.
            }
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[8192];
            for (int n; received.size() < MAX_RAW_RESPONSE && (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
            return parse(received.toByteArray());
        } catch (IOException e) {
            if (received.size() > 0) {
                try {
                    return parse(received.toByteArray());
                } catch (IOException incomplete) {
                    e.addSuppressed(incomplete);
                }
            }
            throw new UncheckedIOException(e);
        }
    }

    private static RawResponse parse(byte[] raw) throws IOException {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IOException("no complete response head: " + text);
        }
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(
                    lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        byte[] body = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
        if (body.length > 0 && "chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new RawResponse(status, headers, body);
    }

    private static byte[] dechunk(byte[] chunked) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        InputStream in = new java.io.ByteArrayInputStream(chunked);
        for (int chunk = 0; chunk < 100_000; chunk++) {
            StringBuilder sizeLine = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("truncated chunked body");
                }
                sizeLine.append((char) c);
            }
            int size = Integer.parseInt(sizeLine.toString().trim().split(";")[0], 16);
            if (size == 0) {
                return out.toByteArray();
            }
            out.write(in.readNBytes(size));
            in.skip(2);
        }
        throw new IOException("too many chunks");
    }
}
