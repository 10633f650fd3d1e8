package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Quota;
import io.portcullis.testsupport.RedisClusterRig;
import io.portcullis.testsupport.RedisProcess;
import io.portcullis.testsupport.RedisTls;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss-cluster://} with {@code redis.tls}: a real 3+3 Redis Cluster whose nodes require TLS with a
 * client certificate and talk to each other over TLS ({@code tls-cluster}, {@code tls-replication}). With the
 * CA and the client certificate, every primary is reached over TLS (the slot map read over TLS names the TLS
 * ports), scripts run on every slot, a revocation waits for a replica over TLS, and readiness sees the three
 * primaries; without the client certificate the store never comes up.
 */
class RedisClusterTlsIT {
    /**
     * {@code redis.timeout} here: it also bounds each connection's set-up (TLS handshake, HELLO), and the slot
     * map is read over six new TLS connections at once; on this shared 2-core build machine under load that took
     * longer than 500 ms (the store never came up), so the Cluster-over-TLS tests allow 2 s.
     */
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private static RedisTls tls;
    private static RedisClusterRig cluster;

    @BeforeAll
    static void start() {
        tls = RedisTls.create();
        cluster = RedisClusterRig.start(tls);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void connectWhenCaAndClientCertificateThenEveryPrimaryServesOverTls() throws Exception {
        try (RedisConnector connector =
                TlsTopologyChecks.connect(cluster.uri(), TlsTopologyChecks.settings(tls, true), TIMEOUT)) {
            RedisTesting.awaitUp(connector, Duration.ofSeconds(30));
            List<String> users = usersOnEveryPrimary();

            TlsTopologyChecks.assertRevocationsAndCountsWork(connector, users);

            assertTrue(
                    TlsTopologyChecks.await(
                            Duration.ofSeconds(5),
                            () -> Long.valueOf(3)
                                    .equals(connector.health().details().get("primaries-reachable"))),
                    connector.health().toString());
            assertEquals("ok", connector.health().details().get("cluster-state"));
            for (RedisProcess primary : cluster.primaries()) {
                TlsTopologyChecks.assertClientsOnTlsPortOnly(primary, cluster.tlsPortOf(primary));
            }
        }
    }

    @Test
    void checkWhenUserAndApiKeyOnTwoSlotsOverTlsThenBothScriptsAnswered() throws Exception {
        String bucket =
                TlsTopologyChecks.KEYS.rateLimit("k:tls-key", "default", RateLimitAlgorithm.SLIDING_WINDOW, 60_000);
        assertNotEquals(
                cluster.primaryOf(bucket).port(),
                cluster.primaryOf(TlsTopologyChecks.KEYS.subjectNotBefore("tls-alice"))
                        .port(),
                "the test needs the two on different primaries");
        try (RedisConnector connector =
                TlsTopologyChecks.connect(cluster.uri(), TlsTopologyChecks.settings(tls, true), TIMEOUT)) {
            RedisTesting.awaitUp(connector, Duration.ofSeconds(30));
            Checked<RevocationStatus> checked = TlsTopologyChecks.revocations(connector)
                    .check(
                            new RevocationQuery("tls-alice", Optional.of("j"), Optional.of("s"), Instant.now()),
                            new Charge("k:tls-key", "default", new Quota(5, Duration.ofMinutes(1))))
                    .toCompletableFuture()
                    .join();
            assertEquals(RevocationStatus.ACTIVE, checked.outcome());
            assertTrue(checked.decision().orElseThrow().allowed());
        }
    }

    @Test
    void connectWhenNoClientCertificateThenNeverUp() {
        try (RedisConnector connector =
                TlsTopologyChecks.connect(cluster.uri(), TlsTopologyChecks.settings(tls, false), TIMEOUT)) {
            RedisTesting.pause(TIMEOUT.toMillis() * 3);
            assertFalse(connector.breaker().allowsCalls(), connector.health().toString());
        }
    }

    /** Subjects whose keys ({@code {u:<sub>}}) land on each of the three primaries. */
    private static List<String> usersOnEveryPrimary() throws Exception {
        Set<Integer> covered = new HashSet<>();
        List<String> users = new java.util.ArrayList<>();
        for (int i = 0; covered.size() < 3 && i < 1000; i++) {
            String user = "tls-" + i;
            if (covered.add(cluster.primaryOf(TlsTopologyChecks.KEYS.subjectNotBefore(user))
                    .port())) {
                users.add(user);
            }
        }
        assertEquals(3, users.size(), "subjects on three primaries");
        return users;
    }
}
