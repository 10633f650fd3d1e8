package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.config.RedisConfig;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Quota;
import io.portcullis.testsupport.RedisProcess;
import io.portcullis.testsupport.RedisTls;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What {@link RedisClusterTlsIT} and {@link RedisSentinelTlsIT} share: the connector and the checks. */
final class TlsTopologyChecks {
    static final RedisKeys KEYS = new RedisKeys(RedisTesting.PREFIX);

    private TlsTopologyChecks() {}

    /** The CA and the client certificate of {@code tls}; without {@code clientCertificate}, the CA only. */
    static RedisConfig.Tls settings(RedisTls tls, boolean clientCertificate) {
        return new RedisConfig.Tls(
                Optional.of(tls.ca()),
                clientCertificate ? Optional.of(tls.clientCertificate()) : Optional.empty(),
                clientCertificate ? Optional.of(tls.clientKey()) : Optional.empty());
    }

    /** A connector on {@code uri} with {@code settings}, revocations waiting for one replica; not awaited. */
    static RedisConnector connect(String uri, RedisConfig.Tls settings) {
        return connect(uri, settings, RedisTesting.TIMEOUT);
    }

    /** The same with {@code redis.timeout} {@code timeout}. */
    static RedisConnector connect(String uri, RedisConfig.Tls settings, Duration timeout) {
        return RedisConnector.start(
                new RedisConfig(
                        Optional.of(URI.create(uri)),
                        RedisTesting.PREFIX,
                        timeout,
                        RedisConfig.FailurePolicy.ALLOW,
                        RedisConfig.FailurePolicy.DENY,
                        Optional.empty(),
                        Optional.of(settings),
                        1),
                Clock.systemUTC(),
                CircuitBreaker.DEFAULT_FAILURE_THRESHOLD,
                new SimpleMeterRegistry());
    }

    static RedisRevocationStore revocations(RedisConnector connector) {
        return new RedisRevocationStore(
                connector,
                KEYS,
                Clock.systemUTC(),
                Duration.ofDays(8),
                new CheckThenCount(connector, KEYS, RateLimitsConfig.Algorithm.SLIDING_WINDOW));
    }

    /**
     * For {@code users} subjects: a revocation written (and acknowledged by a replica) is enforced, another
     * token of the subject is admitted and counted in the same script, exactly up to a limit of 2.
     */
    static void assertRevocationsAndCountsWork(RedisConnector connector, List<String> users) {
        RedisRevocationStore store = revocations(connector);
        Instant now = Instant.now().minusSeconds(1);
        for (String user : users) {
            store.revokeToken(user, "gone", Instant.now().plusSeconds(600))
                    .toCompletableFuture()
                    .join();
            assertEquals(
                    RevocationStatus.REVOKED_TOKEN,
                    store.check(new RevocationQuery(user, Optional.of("gone"), Optional.of("s"), now))
                            .toCompletableFuture()
                            .join(),
                    user);
            Charge charge = new Charge("u:" + user, "default", new Quota(2, Duration.ofMinutes(1)));
            List<Boolean> admitted = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Checked<RevocationStatus> checked = store.check(
                                new RevocationQuery(user, Optional.of("live"), Optional.of("s"), now), charge)
                        .toCompletableFuture()
                        .join();
                assertEquals(RevocationStatus.ACTIVE, checked.outcome(), user);
                admitted.add(checked.decision().orElseThrow().allowed());
            }
            assertEquals(List.of(true, true, false), admitted, user);
        }
    }

    /**
     * Every client connection on {@code server} apart from this check's own came in on {@code tlsPort}: none on
     * the plain port, which the gateway was never given.
     */
    static void assertClientsOnTlsPortOnly(RedisProcess server, int tlsPort) throws IOException {
        List<String> clients = new ArrayList<>();
        for (String line : server.command("CLIENT", "LIST").split("\r?\n")) {
            if (!line.isBlank() && !line.contains("cmd=client|list")) {
                clients.add(line);
            }
        }
        assertTrue(!clients.isEmpty(), "the gateway is connected to " + server.port());
        for (String client : clients) {
            assertTrue(
                    client.contains(" laddr=127.0.0.1:" + tlsPort + " "), "over TLS (port " + tlsPort + "): " + client);
        }
    }

    /** Waits (bounded) until {@code condition} holds. */
    static boolean await(Duration atMost, java.util.function.BooleanSupplier condition) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            RedisTesting.pause(50);
        }
        return true;
    }
}
