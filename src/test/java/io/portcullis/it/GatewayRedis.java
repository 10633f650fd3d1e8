package io.portcullis.it;

import io.portcullis.testsupport.RedisProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The one Redis every gateway node shares in the integration tests, on the port Maven reserved
 * ({@code redis.port}) and named in the nodes' configuration. The nodes start before it (they must start
 * with Redis down and connect when it appears); this extension starts it once for the whole run, then waits
 * until every node reports it ready. Tests that need an outage stop and restart it through {@link #redis()}.
 * It runs with the project's {@code redis/redis.conf} (AOF on, {@code noeviction}), so what the gateway
 * stored survives a restart as it does in production.
 */
public final class GatewayRedis implements BeforeAllCallback {
    public static final int PORT = Integer.getInteger("redis.port", 0);
    private static final Path CONFIG = Path.of("redis/redis.conf");
    private static final Duration READY_WITHIN = Duration.ofSeconds(30);

    private static volatile RedisProcess shared;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot()
                .getStore(ExtensionContext.Namespace.create(GatewayRedis.class))
                .computeIfAbsent("redis", key -> start(), Running.class);
    }

    /** The shared server, for tests that stop, kill or restart it (and must leave it running). */
    public static RedisProcess redis() {
        if (shared == null) {
            throw new IllegalStateException("GatewayRedis has not started: annotate the test with @OnEachNode");
        }
        return shared;
    }

    /** Waits until every node reports Redis ready again, after a test restarted it. */
    public static void awaitNodesReady() {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        for (GatewayNode node : GatewayNode.all()) {
            while (!ready(client, node.uri("/health/ready"))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "node " + node + " did not report Redis ready within " + READY_WITHIN);
                }
                sleep();
            }
        }
    }

    private static Running start() {
        if (PORT == 0) {
            throw new IllegalStateException("redis.port is not set: run the integration tests with mvn verify");
        }
        shared = RedisProcess.start(PORT, CONFIG);
        awaitNodesReady();
        return new Running(shared);
    }

    private static boolean ready(HttpClient client, URI uri) {
        try {
            return client.send(
                                    HttpRequest.newBuilder(uri)
                                            .timeout(Duration.ofSeconds(2))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the server when JUnit closes the root store at the end of the run. */
    record Running(RedisProcess redis) implements AutoCloseable {
        @Override
        public void close() {
            redis.close();
        }
    }
}
