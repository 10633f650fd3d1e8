package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.config.RedisConfig;
import io.portcullis.testsupport.RedisProcess;
import io.portcullis.testsupport.RedisTls;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} with {@code redis.tls}: a real redis-server with TLS that requires a client certificate,
 * the CA, server and client certificates made with {@code openssl} for this run.
 */
class RedisTlsIT {
    private static RedisTls tls;
    private static RedisProcess redis;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        tls = RedisTls.create();
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tlsPort = socket.getLocalPort();
        }
        redis = RedisProcess.startWith(tls.serverArguments(tlsPort));
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.kill();
        }
    }

    private static RedisConnector connect(RedisConfig.Tls tls) {
        return RedisConnector.start(
                new RedisConfig(
                        Optional.of(URI.create("rediss://127.0.0.1:" + tlsPort)),
                        RedisTesting.PREFIX,
                        RedisTesting.TIMEOUT,
                        RedisConfig.FailurePolicy.ALLOW,
                        RedisConfig.FailurePolicy.DENY,
                        Optional.empty(),
                        Optional.of(tls),
                        0),
                Clock.systemUTC(),
                CircuitBreaker.DEFAULT_FAILURE_THRESHOLD,
                new SimpleMeterRegistry());
    }

    @Test
    void connectWhenCaAndClientCertificateConfiguredThenUsable() {
        try (RedisConnector connector = connect(new RedisConfig.Tls(
                Optional.of(tls.ca()), Optional.of(tls.clientCertificate()), Optional.of(tls.clientKey())))) {
            RedisTesting.awaitUp(connector, Duration.ofSeconds(10));
            assertEquals("PONG", connector.<String>call(c -> c.ping()).join());
        }
    }

    @Test
    void connectWhenNoClientCertificateThenNeverUp() {
        try (RedisConnector connector =
                connect(new RedisConfig.Tls(Optional.of(tls.ca()), Optional.empty(), Optional.empty()))) {
            RedisTesting.pause(1500);
            assertFalse(connector.breaker().allowsCalls(), connector.health().toString());
        }
    }

    @Test
    void connectWhenServerCertificateNotFromTheConfiguredCaThenNeverUp() {
        try (RedisConnector connector = connect(new RedisConfig.Tls(
                Optional.of(tls.clientCertificate()),
                Optional.of(tls.clientCertificate()),
                Optional.of(tls.clientKey())))) {
            RedisTesting.pause(1500);
            assertFalse(connector.breaker().allowsCalls(), connector.health().toString());
        }
    }
}
