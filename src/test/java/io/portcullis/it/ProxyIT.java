package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Random;

/** Requests and bodies through the reverse proxy, on every node. */
@GatewayIT
class ProxyIT {
    private static final int TEN_MB = 10 * 1024 * 1024;

    @OnEachNode
    void getWhenRoutedThenUpstreamAnswersWithPathAndQuery(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/api/hello/world?q=1&r=a%20b");

        assertEquals(200, response.statusCode());
        assertEquals("a", response.headers().firstValue("X-Upstream").orElse(null));
        JsonNode echo = Http.json(response);
        assertEquals("GET", echo.path("method").asText());
        assertEquals("/api/hello/world", echo.path("path").asText());
        assertEquals("q=1&r=a%20b", echo.path("query").asText());
    }

    @OnEachNode
    void postWhenBodyThenUpstreamReceivesItUnchanged(GatewayNode node) {
        String body = "{\"item\":\"widget\",\"quantity\":3}";
        HttpResponse<byte[]> response = Http.send(Http.request(node, "/api/orders")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());

        assertEquals(200, response.statusCode());
        JsonNode echo = Http.json(response);
        assertEquals("POST", echo.path("method").asText());
        assertEquals(body, echo.path("body").asText());
        assertEquals("application/json", Http.upstreamHeader(echo, "Content-Type"));
    }

    @OnEachNode
    void postWhenTenMegabytesThenStreamedBothWays(GatewayNode node) throws Exception {
        byte[] payload = new byte[TEN_MB];
        new Random(42).nextBytes(payload);
        HttpResponse<InputStream> response = Http.CLIENT.send(
                Http.request(node, "/upload/stream")
                        .header("Content-Type", "application/octet-stream")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(payload))
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());

        assertEquals(200, response.statusCode());
        assertEquals(
                "application/octet-stream",
                response.headers().firstValue("Content-Type").orElse(null));
        long[] count = new long[1];
        byte[] received = digest(response.body(), count);
        assertEquals(TEN_MB, count[0]);
        assertArrayEquals(sha256().digest(payload), received);
    }

    private static byte[] digest(InputStream body, long[] count) {
        MessageDigest digest = sha256();
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = new DigestInputStream(body, digest)) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                count[0] += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return digest.digest();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
