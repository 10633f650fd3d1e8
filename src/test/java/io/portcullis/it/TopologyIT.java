package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.testsupport.RedisClusterRig;
import io.portcullis.testsupport.RedisSentinelRig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real WAR on a Redis Cluster (three primaries, three replicas) and behind Sentinel (a primary, a replica,
 * three Sentinels), started by the test on loopback: two gateway nodes ({@link ExtraNode}, Jetty 12 in JVMs
 * of their own, the nodes' configuration with the Cluster or Sentinel URI and
 * {@code redis.revocation-replicas: 1}) share the state — a user registered, logged in, logged out and
 * revoked, and API keys issued and deleted on node A hold on node B — an exact limit holds across both, and
 * {@code /health/ready} reports the topology. The nodes Maven started keep their single Redis.
 */
@GatewayIT
class TopologyIT {

    @Test
    @Timeout(300)
    void nodesWhenOnARedisClusterThenStateSharedLimitsExactAndReadinessShowsTheCluster(@TempDir Path work)
            throws Exception {
        try (RedisClusterRig cluster = RedisClusterRig.start()) {
            runOn(work, cluster.uri(), "\"cluster-state\":\"ok\"", "\"primaries-reachable\":3");
        }
    }

    @Test
    @Timeout(300)
    void nodesWhenBehindSentinelThenStateSharedLimitsExactAndReadinessNamesThePrimary(@TempDir Path work)
            throws Exception {
        try (RedisSentinelRig sentinel = RedisSentinelRig.start()) {
            runOn(work, sentinel.uri(), "\"sentinel-primary\":\"127.0.0.1:" + sentinel.primary().port() + "\"");
        }
    }

    private static void runOn(Path work, String uri, String... readiness) throws Exception {
        Path config = configFor(work, uri);
        try (ExtraNode a = new ExtraNode(work, ExtraNode.PORT, config.toString(), "a");
                ExtraNode b = new ExtraNode(work, freePort(), config.toString(), "b")) {
            a.start();
            b.start();
            GatewayNode nodeA = a.node();
            GatewayNode nodeB = b.node();

            DurableState state = DurableState.create(nodeA);
            state.assertSurvived(nodeB);
            state.assertSurvived(nodeA);

            String address = "10." + ThreadLocalRandom.current().nextInt(256) + "."
                    + ThreadLocalRandom.current().nextInt(256) + ".7";
            List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                HttpRequest request = Http.request(i % 2 == 0 ? nodeA : nodeB, "/burst/x")
                        .header("X-Forwarded-For", address).GET().build();
                answers.add(Http.CLIENT.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
            }
            List<Integer> statuses = answers.stream().map(CompletableFuture::join).map(HttpResponse::statusCode).toList();
            assertEquals(10, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
            assertEquals(6, statuses.stream().filter(s -> s == 429).count(), statuses.toString());

            for (GatewayNode node : List.of(nodeA, nodeB)) {
                HttpResponse<byte[]> ready = Http.get(node, "/health/ready");
                String body = new String(ready.body(), StandardCharsets.UTF_8);
                assertEquals(200, ready.statusCode(), body);
                for (String expected : readiness) {
                    assertTrue(body.replace(" ", "").contains(expected), body);
                }
            }
        }
    }

    /** The nodes' configuration with {@code redis.uri} replaced and revocations waiting for one replica. */
    private static Path configFor(Path work, String uri) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean replaced = false;
        for (String line : Files.readAllLines(Path.of(System.getProperty("it.config")))) {
            if (!replaced && line.startsWith("  uri: redis://")) {
                lines.add("  uri: \"" + uri + "\"");
                lines.add("  revocation-replicas: 1");
                replaced = true;
            } else {
                lines.add(line);
            }
        }
        assertTrue(replaced, "the IT configuration has no redis.uri line to replace");
        return Files.write(work.resolve("portcullis-topology.yaml"), lines);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
