package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.testsupport.RedisClusterRig;
import io.portcullis.testsupport.RedisProcess;
import io.portcullis.testsupport.RedisSentinelRig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real WAR on a Redis Cluster (three primaries, three replicas) and behind Sentinel (a primary, a replica,
 * three Sentinels), started by the test on loopback: two gateway nodes in JVMs of their own — Jetty 12
 * ({@link ExtraNode}) and Tomcat 10.1 ({@link TomcatNode}), the nodes' configuration with the Cluster or
 * Sentinel URI and {@code redis.revocation-replicas: 1} — share the state: a user registered, logged in,
 * refreshed, logged out and revoked, API keys issued and deleted, and direct-route data written on one node
 * hold on the other, both ways; exact limits (a user's, an API key's) hold across both; {@code /health/ready}
 * reports the topology; a bounded load loop measures requests/s and Redis commands per request on the JWT +
 * rate-limit path; and a failover under load (the primary holding a user's keys killed while {@value #RATE}
 * requests/s flow over both nodes) is measured. The same load loop runs on one Redis server, with the same two
 * nodes, for the comparison. The nodes Maven started keep their single Redis.
 */
@GatewayIT
class TopologyIT {
    private static final String PASSWORD = "correct horse battery";
    /** The identified callers' limit on these nodes (per minute): reached during the failover run. */
    private static final int LIMIT = 500;
    /** Requests per second in the failover run (both nodes together). */
    private static final int RATE = 100;

    @Test
    @Timeout(300)
    void nodesWhenOnARedisClusterThenStateSharedLimitsExactAndReadinessShowsTheCluster(@TempDir Path work)
            throws Exception {
        try (RedisClusterRig cluster = RedisClusterRig.start()) {
            runOn(
                    work,
                    cluster.uri(),
                    sub -> cluster.primaryOf("{u:" + sub + "}"),
                    cluster::primaries,
                    "cluster",
                    "\"cluster-state\":\"ok\"",
                    "\"primaries-reachable\":3");
        }
    }

    @Test
    @Timeout(300)
    void nodesWhenBehindSentinelThenStateSharedLimitsExactAndReadinessNamesThePrimary(@TempDir Path work)
            throws Exception {
        try (RedisSentinelRig sentinel = RedisSentinelRig.start()) {
            runOn(
                    work,
                    sentinel.uri(),
                    sub -> sentinel.primary(),
                    () -> List.of(sentinel.primary()),
                    "sentinel",
                    "\"sentinel-primary\":\"127.0.0.1:" + sentinel.primary().port() + "\"");
        }
    }

    /**
     * The baseline of the load loop: the same two nodes on one Redis server. Only the figures (and that the
     * path costs one script per request there too); the failover is the rigs' business.
     */
    @Test
    @Timeout(180)
    void nodesWhenOnOneRedisServerThenTheJwtPathCostsOneScriptPerRequest(@TempDir Path work) throws Exception {
        try (RedisProcess single = RedisProcess.start()) {
            try (Nodes nodes = Nodes.start(work, configFor(work, single.uri()))) {
                assertOneScriptPerRequest(
                        LoadFigures.measure(nodes.jetty(), nodes.tomcat(), () -> List.of(single), "single"));
            }
        }
    }

    /** The Redis servers whose commands a request may cost: the primaries. */
    private interface Primaries {
        List<RedisProcess> now() throws Exception;
    }

    /** A Jetty node and a Tomcat node on one configuration, started together; closed by PID. */
    private record Nodes(ExtraNode jettyProcess, TomcatNode tomcatProcess) implements AutoCloseable {
        static Nodes start(Path work, Path config) throws Exception {
            ExtraNode jetty = new ExtraNode(work, ExtraNode.PORT, config.toString(), "jetty");
            TomcatNode tomcat = new TomcatNode(work, freePort(), config.toString(), "tomcat");
            Nodes nodes = new Nodes(jetty, tomcat);
            try {
                // Both JVMs start at once: the slower of the two sets the wait, not their sum.
                CompletableFuture<Void> tomcatStarted = CompletableFuture.runAsync(tomcat::start);
                jetty.start();
                tomcatStarted.join();
                return nodes;
            } catch (RuntimeException e) {
                nodes.close();
                throw e;
            }
        }

        GatewayNode jetty() {
            return jettyProcess.node();
        }

        GatewayNode tomcat() {
            return tomcatProcess.node();
        }

        @Override
        public void close() {
            jettyProcess.close();
            tomcatProcess.close();
        }
    }

    /** The Redis server that holds a user's revocation keys and bucket. */
    private interface Owner {
        RedisProcess of(String subject) throws Exception;
    }

    private static void runOn(
            Path work, String uri, Owner owner, Primaries primaries, String topology, String... readiness)
            throws Exception {
        Path config = configFor(work, uri);
        try (Nodes nodes = Nodes.start(work, config)) {
            GatewayNode nodeA = nodes.jetty();
            GatewayNode nodeB = nodes.tomcat();

            // Register, login, refresh rotation, logout, RFC 7009 revocation, API keys issued and deleted: made on
            // one container, holding on the other, both ways.
            DurableState state = DurableState.create(nodeA);
            state.assertSurvived(nodeB);
            state.assertSurvived(nodeA);
            DurableState fromTomcat = DurableState.create(nodeB);
            fromTomcat.assertSurvived(nodeA);
            fromTomcat.assertSurvived(nodeB);
            assertLogoutOnOneNodeRefusedOnTheOther(nodeB, nodeA);
            assertLogoutOnOneNodeRefusedOnTheOther(nodeA, nodeB);
            assertDirectRouteShared(nodeA, nodeB);
            assertDirectRouteShared(nodeB, nodeA);
            assertApiKeyLimitExactAcrossNodes(nodeA, nodeB, state.access());

            String address = "10." + ThreadLocalRandom.current().nextInt(256) + "."
                    + ThreadLocalRandom.current().nextInt(256) + ".7";
            List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                HttpRequest request = Http.request(i % 2 == 0 ? nodeA : nodeB, "/burst/x")
                        .header("X-Forwarded-For", address)
                        .GET()
                        .build();
                answers.add(Http.CLIENT.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
            }
            List<Integer> statuses = answers.stream()
                    .map(CompletableFuture::join)
                    .map(HttpResponse::statusCode)
                    .toList();
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
            assertOneScriptPerRequest(LoadFigures.measure(nodeA, nodeB, primaries::now, topology));
            failover(nodeA, nodeB, owner, topology);
        }
    }

    /**
     * A session logged out on {@code from} (its access token revoked, its refresh token spent): both refused on
     * {@code on} at once, and the session's later refresh too.
     */
    private static void assertLogoutOnOneNodeRefusedOnTheOther(GatewayNode from, GatewayNode on) {
        String username = AuthIT.unique("logout");
        assertEquals(
                201,
                AuthIT.post(from, "/register", AuthIT.credentials(username, PASSWORD))
                        .statusCode());
        var tokens = Http.json(AuthIT.post(on, "/login", AuthIT.credentials(username, PASSWORD)));
        String access = tokens.path("access_token").asText();
        String refresh = tokens.path("refresh_token").asText();
        assertEquals(
                200,
                Http.get(on, "/jwt/logout", "Authorization", AuthIT.bearer(access))
                        .statusCode(),
                on + ": before the logout");
        HttpResponse<byte[]> refreshed = AuthIT.post(from, "/refresh", AuthIT.field("refresh_token", refresh));
        assertEquals(200, refreshed.statusCode(), () -> new String(refreshed.body(), StandardCharsets.UTF_8));
        var rotated = Http.json(refreshed);
        String rotatedAccess = rotated.path("access_token").asText();
        assertEquals(
                200,
                Http.get(on, "/jwt/logout", "Authorization", AuthIT.bearer(rotatedAccess))
                        .statusCode(),
                on + ": the access token of the rotation on " + from);

        assertEquals(
                204,
                AuthIT.post(
                                from,
                                "/logout",
                                AuthIT.field(
                                        "refresh_token",
                                        rotated.path("refresh_token").asText()),
                                "Authorization",
                                AuthIT.bearer(rotatedAccess))
                        .statusCode());

        Http.assertProblem(
                Http.get(on, "/jwt/logout", "Authorization", AuthIT.bearer(rotatedAccess)), 401, "Invalid token");
        Http.assertProblem(
                AuthIT.post(
                        on,
                        "/refresh",
                        AuthIT.field(
                                "refresh_token", rotated.path("refresh_token").asText())),
                401,
                "Invalid token");
    }

    /** A direct route's key written through {@code writer}: read, deleted and gone through {@code reader}. */
    private static void assertDirectRouteShared(GatewayNode writer, GatewayNode reader) {
        String token = Http.json(AuthIT.post(writer, "/login", AuthIT.credentials(registered(writer), PASSWORD)))
                .path("access_token")
                .asText();
        String note = "/notes/shared-" + writer.port();
        HttpResponse<byte[]> put = Http.send(Http.request(writer, note)
                .header("Authorization", AuthIT.bearer(token))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"from\":\"" + writer + "\"}"))
                .build());
        assertEquals(204, put.statusCode(), () -> new String(put.body(), StandardCharsets.UTF_8));

        HttpResponse<byte[]> read = Http.get(reader, note, "Authorization", AuthIT.bearer(token));
        assertEquals(200, read.statusCode(), () -> new String(read.body(), StandardCharsets.UTF_8));
        assertEquals(writer.toString(), Http.json(read).path("from").asText());
        assertEquals(
                204,
                Http.send(Http.request(reader, note)
                                .header("Authorization", AuthIT.bearer(token))
                                .DELETE()
                                .build())
                        .statusCode());
        Http.assertProblem(Http.get(writer, note, "Authorization", AuthIT.bearer(token)), 404, "Not Found");
    }

    private static String registered(GatewayNode node) {
        String username = AuthIT.unique("direct");
        assertEquals(
                201,
                AuthIT.post(node, "/register", AuthIT.credentials(username, PASSWORD))
                        .statusCode());
        return username;
    }

    /**
     * An API key issued on {@code a}, used on both nodes in turn on {@code /inventory} (3 per minute per key):
     * exactly 3 admitted, then 429 on either node — the key's bucket is one, on the key's Cluster slot.
     */
    private static void assertApiKeyLimitExactAcrossNodes(GatewayNode a, GatewayNode b, String access) {
        HttpResponse<byte[]> created =
                AuthIT.post(a, "/api-keys", "{\"name\":\"inventory\"}", "Authorization", AuthIT.bearer(access));
        assertEquals(201, created.statusCode(), () -> new String(created.body(), StandardCharsets.UTF_8));
        String key = Http.json(created).path("api_key").asText();
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            statuses.add(Http.get(i % 2 == 0 ? b : a, "/inventory/x", "x-api-key", key)
                    .statusCode());
        }
        assertEquals(List.of(200, 200, 200, 429, 429, 429, 429, 429), statuses);
    }

    private static void assertOneScriptPerRequest(LoadFigures figures) {
        System.out.println("LOAD " + figures);
        assertTrue(figures.errors() == 0, "every request of the load loop answered 200: " + figures);
        // One EVALSHA per request on every topology; the odd one more is a script a node loaded by EVAL.
        assertEquals(1.0, figures.scriptsPerRequest(), 0.01, figures::toString);
    }

    /**
     * {@value #RATE} requests/s with one user's token through both nodes for 10 s; 3 s in, a second token of the user is
     * revoked (acknowledged once a replica has it) and at once the Redis primary holding the user's keys is
     * killed. Printed: the answers by status, how long 503s came, the slowest answer, the 200s against the
     * limit; asserted: no answer other than 200/429/503, none slower than the bound, the revoked token refused
     * on both nodes afterwards, the limit kept.
     */
    private static void failover(GatewayNode a, GatewayNode b, Owner owner, String topology) throws Exception {
        String username = AuthIT.unique("failover");
        assertEquals(
                201,
                AuthIT.post(a, "/register", AuthIT.credentials(username, PASSWORD))
                        .statusCode());
        String access = Http.json(AuthIT.post(a, "/login", AuthIT.credentials(username, PASSWORD)))
                .path("access_token")
                .asText();
        String doomed = Http.json(AuthIT.post(a, "/login", AuthIT.credentials(username, PASSWORD)))
                .path("access_token")
                .asText();
        String subject = Http.json(Base64.getUrlDecoder().decode(access.split("\\.")[1]))
                .path("sub")
                .asText();
        RedisProcess primary = owner.of(subject);

        record Answer(long startedMillis, long tookMillis, int status, String detail, GatewayNode node) {}
        ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        long begin = System.nanoTime();
        AtomicLong sent = new AtomicLong();
        load.scheduleAtFixedRate(
                () -> {
                    long started = System.nanoTime();
                    GatewayNode node = sent.getAndIncrement() % 2 == 0 ? a : b;
                    HttpRequest request = Http.request(node, "/jwt/failover")
                            .timeout(Duration.ofSeconds(10))
                            .header("Authorization", AuthIT.bearer(access))
                            .GET()
                            .build();
                    Http.CLIENT
                            .sendAsync(request, HttpResponse.BodyHandlers.ofString())
                            .whenComplete((response, failure) -> answers.add(new Answer(
                                    (started - begin) / 1_000_000,
                                    (System.nanoTime() - started) / 1_000_000,
                                    response == null ? -1 : response.statusCode(),
                                    response == null
                                            ? String.valueOf(failure)
                                            : response.statusCode() == 503 ? response.body() : "",
                                    node)));
                },
                0,
                1000 / RATE,
                TimeUnit.MILLISECONDS);
        long killedAt;
        try {
            Thread.sleep(3000);
            assertEquals(200, AuthIT.form(a, "/revoke", "token=" + doomed).statusCode());
            killedAt = (System.nanoTime() - begin) / 1_000_000;
            primary.kill();
            Thread.sleep(7000);
        } finally {
            load.shutdown();
            load.awaitTermination(5, TimeUnit.SECONDS);
        }
        Thread.sleep(2000);
        List<Answer> all = List.copyOf(answers);
        Map<Integer, Long> byStatus = new TreeMap<>();
        all.forEach(answer -> byStatus.merge(answer.status(), 1L, Long::sum));
        List<Answer> unavailable =
                all.stream().filter(answer -> answer.status() == 503).toList();
        long from = unavailable.stream().mapToLong(Answer::startedMillis).min().orElse(killedAt);
        long to = unavailable.stream().mapToLong(Answer::startedMillis).max().orElse(killedAt);
        long slowest = all.stream().mapToLong(Answer::tookMillis).max().orElse(0);
        all.stream()
                .filter(answer -> answer.tookMillis() > 1000)
                .sorted(java.util.Comparator.comparingLong(Answer::tookMillis).reversed())
                .limit(5)
                .forEach(answer -> System.out.println("FAILOVER slow: started " + (answer.startedMillis() - killedAt)
                        + " ms after the kill, took " + answer.tookMillis() + " ms, status " + answer.status() + ", on "
                        + answer.node()));
        all.stream()
                .filter(answer -> answer.status() == 503)
                .limit(3)
                .forEach(answer -> System.out.println(
                        "FAILOVER early 503: started " + (answer.startedMillis() - killedAt) + " ms after the kill"));
        long admitted = byStatus.getOrDefault(200, 0L);
        all.stream()
                .filter(answer -> answer.status() == 503)
                .map(Answer::detail)
                .distinct()
                .limit(3)
                .forEach(detail -> System.out.println("FAILOVER 503: " + detail));
        System.out.printf(
                "FAILOVER through the WAR (%s): %d requests at " + RATE + "/s over two nodes, by status %s; 503 from "
                        + "%d ms to %d ms after the kill (%d ms); slowest %d ms; 200s %d of the limit %d%n",
                topology,
                all.size(),
                byStatus,
                from - killedAt,
                to - killedAt,
                to - from,
                slowest,
                admitted,
                LIMIT);

        assertTrue(all.size() >= RATE * 8, "the load ran: " + byStatus);
        assertTrue(
                byStatus.keySet().stream().allMatch(status -> status == 200 || status == 429 || status == 503),
                byStatus::toString);
        assertTrue(slowest <= 2000, "no request hung: slowest " + slowest + " ms");
        assertTrue(admitted <= LIMIT + LIMIT / 10, "the limit held within 10 %: " + admitted);
        for (GatewayNode node : List.of(a, b)) {
            assertEquals(
                    401,
                    Http.get(node, "/jwt/failover", "Authorization", AuthIT.bearer(doomed))
                            .statusCode(),
                    "the revocation acknowledged before the kill, on " + node);
            int live = Http.get(node, "/jwt/failover", "Authorization", AuthIT.bearer(access))
                    .statusCode();
            assertTrue(
                    live == 200 || live == 429,
                    "the live token is counted again after the failover, on " + node + ": " + live);
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
            } else if (line.startsWith("  default: { limit: 100000")) {
                lines.add("  default: { limit: " + LIMIT + ", window: 60s }");
            } else if (line.equals("routes:")) {
                lines.add(line);
                lines.add(LoadFigures.ROUTE);
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
