package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.testsupport.RedisProcess;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The shared Redis fails under load, on both nodes at once: killed (SIGKILL, as a crash) and restarted from
 * its AOF, or frozen (SIGSTOP, as a hang) and resumed. Meanwhile every answer is one the README promises for
 * an unreachable Redis (503 with {@code Retry-After} where a token or issued key must be checked, local
 * counting on anonymous routes, static keys and forged tokens unaffected), a revoked token is never let
 * through, and no request waits much past {@code redis.timeout} (500 ms). Afterwards the nodes recover by
 * themselves within a bounded time, and nothing that Redis had stored is lost: users, sessions, revocations
 * and API keys are all there. Each test leaves Redis running and both nodes ready.
 */
@GatewayIT
class RedisFaultsIT {
    private static final Set<Integer> OK = Set.of(200);
    private static final Set<Integer> UNAVAILABLE = Set.of(503);
    /** The longest answer allowed while Redis fails: a few sequential calls of redis.timeout (500 ms) each. */
    private static final Duration MAX_LATENCY = Duration.ofSeconds(4);

    private static final Duration RECOVERY_BOUND = Duration.ofSeconds(15);
    private static final String STATIC_KEY = "it-plain-key-0123456789";

    @Test
    void redisWhenKilledUnderLoadThenDocumentedAnswersRecoveryAndNothingLost() throws Exception {
        RedisProcess redis = GatewayRedis.redis();
        long loadsBefore = aofLoads(redis);
        DurableState state = DurableState.create(GatewayNode.all().get(0));

        underLoad("killed", state, redis::kill, redis::startAgain);

        assertEquals(loadsBefore + 1, aofLoads(redis), "Redis restarted from its AOF (see " + redis.dir() + ")");
        for (GatewayNode node : GatewayNode.all()) {
            state.assertSurvived(node);
        }
    }

    @Test
    void redisWhenFrozenUnderLoadThenAnswersBoundedByTimeoutAndRecovery() throws Exception {
        RedisProcess redis = GatewayRedis.redis();
        DurableState state =
                DurableState.create(GatewayNode.all().get(1 % GatewayNode.all().size()));

        underLoad("frozen", state, redis::pause, redis::resume);

        for (GatewayNode node : GatewayNode.all()) {
            state.assertSurvived(node);
        }
    }

    /**
     * Healthy traffic for a moment, then {@code fault} for 3 s under the same traffic, then {@code repair}, the
     * wait for recovery, and healthy traffic again; every answer is checked as it arrives.
     */
    private static void underLoad(String name, DurableState state, Runnable fault, Runnable repair) throws Exception {
        RedisProcess redis = GatewayRedis.redis();
        try (Traffic traffic = new Traffic(GatewayNode.all(), kinds(state), 4, 60, MAX_LATENCY)) {
            Thread.sleep(1_000);
            traffic.degraded(true);
            fault.run();
            Thread.sleep(3_000);
            repair.run();
            Duration recovered = awaitRecovery(state);
            traffic.degraded(false);
            Thread.sleep(1_000);
            traffic.stop(Duration.ofSeconds(10));

            System.out.printf(
                    "Redis %s under load: %d requests, by kind and status %s; slowest %d ms; recovered %d ms "
                            + "after the repair%n",
                    name,
                    traffic.total(),
                    traffic.statuses(),
                    traffic.maxLatency().toMillis(),
                    recovered.toMillis());
            assertEquals(0, traffic.violationCount(), () -> traffic.violations() + "\n" + traffic.statuses());
            assertTrue(traffic.count("jwt-valid", 503) > 0, () -> "the fault was never seen: " + traffic.statuses());
            assertTrue(recovered.compareTo(RECOVERY_BOUND) < 0, "recovered after " + recovered);
        } finally {
            restore(redis);
        }
    }

    private static List<Traffic.Kind> kinds(DurableState state) {
        String forged = ItTokens.valid(ItTokens.config(), "forger")
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256("not-the-gateway-key-0123456789abcdef"));
        return List.of(
                new Traffic.Kind(
                        "jwt-valid",
                        node -> DurableState.bearerGet(node, "/jwt/load", state.access()),
                        OK,
                        UNAVAILABLE),
                // Fail closed: while revocations cannot be read, a revoked token gets 503, never 200.
                new Traffic.Kind(
                        "jwt-revoked",
                        node -> DurableState.bearerGet(node, "/jwt/load", state.revokedAccess()),
                        Set.of(401),
                        UNAVAILABLE),
                new Traffic.Kind(
                        "jwt-forged", node -> DurableState.bearerGet(node, "/jwt/load", forged), Set.of(401), Set.of()),
                // on-failure.rate-limit: allow, counted on each node.
                new Traffic.Kind(
                        "anonymous",
                        node -> Http.request(node, "/api/load").GET().build(),
                        OK,
                        Set.of()),
                new Traffic.Kind(
                        "static-key",
                        node -> Http.request(node, "/keyed/load")
                                .header("x-api-key", STATIC_KEY)
                                .GET()
                                .build(),
                        OK,
                        Set.of()),
                new Traffic.Kind(
                        "issued-key",
                        node -> Http.request(node, "/keyed/load")
                                .header("x-api-key", state.apiKey())
                                .GET()
                                .build(),
                        OK,
                        UNAVAILABLE),
                new Traffic.Kind(
                        "verify",
                        node -> Http.request(node, "/auth/verify")
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(AuthIT.field("token", state.access())))
                                .build(),
                        OK,
                        UNAVAILABLE));
    }

    /** Waits until every node is ready and lets the live token through again; how long that took. */
    private static Duration awaitRecovery(DurableState state) throws InterruptedException {
        long start = System.nanoTime();
        GatewayRedis.awaitNodesReady();
        for (GatewayNode node : GatewayNode.all()) {
            while (Http.get(node, "/jwt/recovered", "Authorization", AuthIT.bearer(state.access()))
                            .statusCode()
                    != 200) {
                assertTrue(System.nanoTime() - start < RECOVERY_BOUND.toNanos(), node + " did not recover");
                Thread.sleep(100);
            }
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** How many times the server's log says it loaded its data from the AOF. */
    private static long aofLoads(RedisProcess redis) throws IOException {
        try (var lines = Files.lines(redis.dir().resolve("redis.log"))) {
            return lines.filter(line -> line.contains("DB loaded from append only file"))
                    .count();
        }
    }

    /** Whatever happened, later tests find Redis running and both nodes ready. */
    private static void restore(RedisProcess redis) {
        if (redis.running()) {
            redis.resume();
        } else {
            redis.startAgain();
        }
        GatewayRedis.awaitNodesReady();
    }
}
