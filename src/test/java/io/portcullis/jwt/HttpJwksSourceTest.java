package io.portcullis.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JWKS fetch against a real loopback server: one total deadline for connect, headers and the whole body. */
class HttpJwksSourceTest {
    private static final Duration DEADLINE = Duration.ofMillis(600);
    private static final String DOCUMENT = "{\"keys\":[]}";

    private final CountDownLatch stop = new CountDownLatch(1);
    private HttpServer server;

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/fast", exchange -> {
            byte[] body = DOCUMENT.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        // Headers at once, then one byte every 100 ms for at most 10 s: each read is quick, the whole is not.
        server.createContext("/dribble", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write('{');
                for (int i = 0; i < 100 && !stop.await(100, TimeUnit.MILLISECONDS); i++) {
                    out.write(' ');
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client gave up, as it should
            }
        });
        server.createContext("/silent", exchange -> {
            try {
                stop.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        server.createContext("/huge", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) ' ');
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 64; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client stopped reading at the limit
            }
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stopServer() {
        stop.countDown();
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void fetchWhenProviderAnswersThenDocument() throws IOException {
        assertEquals(DOCUMENT, new HttpJwksSource(DEADLINE).fetch(uri("/fast")));
    }

    @Test
    void fetchWhenBodyDribblesThenFailsWithinTheTotalDeadline() {
        assertFailsWithinDeadline("/dribble");
    }

    @Test
    void fetchWhenProviderNeverAnswersThenFailsWithinTheTotalDeadline() {
        assertFailsWithinDeadline("/silent");
    }

    @Test
    void fetchWhenBodyOverTheLimitThenRefused() {
        IOException e =
                assertThrows(IOException.class, () -> new HttpJwksSource(Duration.ofSeconds(5)).fetch(uri("/huge")));
        assertTrue(e.getMessage().contains("more than"), e.getMessage());
    }

    private void assertFailsWithinDeadline(String path) {
        HttpJwksSource source = new HttpJwksSource(DEADLINE);
        long start = System.nanoTime();
        assertThrows(IOException.class, () -> source.fetch(uri(path)));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(DEADLINE.plusMillis(400)) < 0, "gave up after " + took);
    }
}
