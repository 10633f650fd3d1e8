package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.config.RedisConfig;
import io.portcullis.testsupport.RedisProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code rediss://} with {@code redis.tls}: a real redis-server with TLS that requires a client certificate,
 * the CA, server and client certificates made with {@code openssl} for this run.
 */
class RedisTlsIT {
    private static Path dir;
    private static RedisProcess redis;
    private static int tlsPort;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("portcullis-tls");
        openssl(
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=test-ca",
                "-keyout",
                "ca.key",
                "-out",
                "ca.pem");
        for (String name : List.of("server", "client")) {
            openssl(
                    "req",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-subj",
                    "/CN=" + name,
                    "-keyout",
                    name + ".key",
                    "-out",
                    name + ".csr");
            Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=IP:127.0.0.1\n");
            openssl(
                    "x509",
                    "-req",
                    "-in",
                    name + ".csr",
                    "-CA",
                    "ca.pem",
                    "-CAkey",
                    "ca.key",
                    "-CAcreateserial",
                    "-days",
                    "1",
                    "-extfile",
                    name + ".ext",
                    "-out",
                    name + ".pem");
            // PKCS#8, as redis.tls.key-file wants it.
            openssl("pkcs8", "-topk8", "-nocrypt", "-in", name + ".key", "-out", name + ".p8.key");
        }
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            tlsPort = socket.getLocalPort();
        }
        redis = RedisProcess.startWith(List.of(
                "--tls-port",
                Integer.toString(tlsPort),
                "--tls-cert-file",
                dir.resolve("server.pem").toString(),
                "--tls-key-file",
                dir.resolve("server.key").toString(),
                "--tls-ca-cert-file",
                dir.resolve("ca.pem").toString(),
                "--tls-auth-clients",
                "yes"));
    }

    @AfterAll
    static void stop() {
        if (redis != null) {
            redis.kill();
        }
    }

    private static void openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile())
                .start();
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("openssl " + String.join(" ", args) + " failed; see " + dir);
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
                Optional.of(dir.resolve("ca.pem")),
                Optional.of(dir.resolve("client.pem")),
                Optional.of(dir.resolve("client.p8.key"))))) {
            RedisTesting.awaitUp(connector, Duration.ofSeconds(10));
            assertEquals("PONG", connector.<String>call(c -> c.ping()).join());
        }
    }

    @Test
    void connectWhenNoClientCertificateThenNeverUp() {
        try (RedisConnector connector =
                connect(new RedisConfig.Tls(Optional.of(dir.resolve("ca.pem")), Optional.empty(), Optional.empty()))) {
            RedisTesting.pause(1500);
            assertFalse(connector.breaker().allowsCalls(), connector.health().toString());
        }
    }

    @Test
    void connectWhenServerCertificateNotFromTheConfiguredCaThenNeverUp() {
        try (RedisConnector connector = connect(new RedisConfig.Tls(
                Optional.of(dir.resolve("client.pem")),
                Optional.of(dir.resolve("client.pem")),
                Optional.of(dir.resolve("client.p8.key"))))) {
            RedisTesting.pause(1500);
            assertFalse(connector.breaker().allowsCalls(), connector.health().toString());
        }
    }
}
