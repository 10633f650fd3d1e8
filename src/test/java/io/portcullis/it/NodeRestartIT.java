package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gateway node crashes and comes back while the others keep serving. A third node ({@link ExtraNode}: the
 * real WAR in a JVM of its own, on the shared Redis) takes a login, an API key, a logout and a revocation; it
 * is then killed by PID and started again. Throughout, traffic with that state goes through the nodes Maven
 * started, and every answer is the healthy one; afterwards the restarted node still knows the session (its
 * refresh token works), the revocations (the revoked tokens stay refused) and the API keys, because all of
 * it lives in Redis, not in the node.
 */
@GatewayIT
class NodeRestartIT {

    @Test
    @Timeout(300)
    void nodeWhenKilledAndRestartedThenSessionsRevocationsAndKeysSurviveWhileOthersServe(@TempDir Path work)
            throws Exception {
        try (ExtraNode extra = new ExtraNode(work)) {
            extra.start();
            GatewayNode node = extra.node();
            DurableState state = DurableState.create(node);
            List<Traffic.Kind> kinds = List.of(
                    new Traffic.Kind(
                            "jwt-valid",
                            n -> DurableState.bearerGet(n, "/jwt/others", state.access()),
                            Set.of(200),
                            Set.of()),
                    new Traffic.Kind(
                            "jwt-revoked",
                            n -> DurableState.bearerGet(n, "/jwt/others", state.revokedAccess()),
                            Set.of(401),
                            Set.of()),
                    new Traffic.Kind(
                            "issued-key",
                            n -> Http.request(n, "/keyed/others")
                                    .header("x-api-key", state.apiKey())
                                    .GET()
                                    .build(),
                            Set.of(200),
                            Set.of()));
            try (Traffic others = new Traffic(GatewayNode.all(), kinds, 2, 20, Duration.ofSeconds(5))) {
                long firstPid = extra.pid();
                extra.kill();
                assertThrows(UncheckedIOException.class, () -> Http.get(node, "/health"), "the node is down");

                extra.start();
                assertTrue(extra.pid() != firstPid, "a new process");
                state.assertSurvived(node);
                for (GatewayNode other : GatewayNode.all()) {
                    state.assertSurvived(other);
                }
                others.stop(Duration.ofSeconds(10));

                System.out.printf(
                        "Node restart: the other nodes answered %d requests meanwhile, by kind and status "
                                + "%s; slowest %d ms%n",
                        others.total(), others.statuses(), others.maxLatency().toMillis());
                assertEquals(0, others.violationCount(), () -> others.violations() + "\n" + others.statuses());
                assertTrue(others.count("jwt-valid", 200) > 0, others.statuses()::toString);
            }
        }
    }
}
