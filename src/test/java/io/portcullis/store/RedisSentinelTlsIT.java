package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.testsupport.RedisProcess;
import io.portcullis.testsupport.RedisSentinelRig;
import io.portcullis.testsupport.RedisTls;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss-sentinel://} with {@code redis.tls}: a real primary, replica and three Sentinels, every one
 * requiring TLS with a client certificate, replication and the Sentinels' own connections over TLS. With the CA
 * and the client certificate the gateway asks the Sentinels over TLS, reaches the primary over TLS, a revocation
 * waits for the replica, and after the primary is killed it follows the Sentinels to the new one, over TLS,
 * with the revocation kept; without the client certificate the store never comes up.
 */
class RedisSentinelTlsIT {

    @Test
    void connectWhenCaAndClientCertificateThenOverTlsAndFollowsAFailover() throws Exception {
        RedisTls tls = RedisTls.create();
        try (RedisSentinelRig sentinel = RedisSentinelRig.start(tls);
                RedisConnector connector =
                        TlsTopologyChecks.connect(sentinel.uri(), TlsTopologyChecks.settings(tls, true))) {
            RedisTesting.awaitUp(connector, Duration.ofSeconds(10));
            RedisProcess primary = sentinel.primary();
            String before = "127.0.0.1:" + sentinel.clientPort(primary);
            assertTrue(
                    TlsTopologyChecks.await(
                            Duration.ofSeconds(5),
                            () -> before.equals(connector.health().details().get("sentinel-primary"))),
                    connector.health().toString());

            TlsTopologyChecks.assertRevocationsAndCountsWork(connector, List.of("tls-bob"));
            TlsTopologyChecks.assertClientsOnTlsPortOnly(primary, sentinel.clientPort(primary));

            primary.kill();
            assertTrue(
                    TlsTopologyChecks.await(Duration.ofSeconds(20), () -> {
                        Object now = connector.health().details().get("sentinel-primary");
                        return now != null
                                && !before.equals(now)
                                && !"unknown".equals(now)
                                && connector.breaker().allowsCalls();
                    }),
                    "the gateway follows the failover: " + connector.health());
            RedisProcess promoted = sentinel.primary();
            assertNotEquals(primary, promoted);
            RedisRevocationStore store = TlsTopologyChecks.revocations(connector);
            RevocationStatus after = null;
            for (int attempt = 0; attempt < 100 && after == null; attempt++) {
                try {
                    after = store.check(new RevocationQuery(
                                    "tls-bob",
                                    Optional.of("gone"),
                                    Optional.of("s"),
                                    Instant.now().minusSeconds(1)))
                            .toCompletableFuture()
                            .join();
                } catch (RuntimeException stillSwitching) {
                    RedisTesting.pause(100);
                }
            }
            assertEquals(RevocationStatus.REVOKED_TOKEN, after, "the revocation acknowledged before the kill");
            TlsTopologyChecks.assertClientsOnTlsPortOnly(promoted, sentinel.clientPort(promoted));
        }
    }

    @Test
    void connectWhenNoClientCertificateThenNeverUp() throws Exception {
        RedisTls tls = RedisTls.create();
        try (RedisSentinelRig sentinel = RedisSentinelRig.start(tls);
                RedisConnector connector =
                        TlsTopologyChecks.connect(sentinel.uri(), TlsTopologyChecks.settings(tls, false))) {
            RedisTesting.pause(1500);
            assertFalse(connector.breaker().allowsCalls(), connector.health().toString());
        }
    }
}
