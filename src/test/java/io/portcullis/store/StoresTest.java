package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoresTest {

    private static GatewayConfig config(String yaml) {
        return new ConfigLoader()
                .parse("test", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), Path.of("."));
    }

    @Test
    void createWhenNoRedisUriThenInMemoryAndReady() {
        try (Stores stores = Stores.create(config("gateway: { demo: true }\n"), Clock.systemUTC())) {
            assertFalse(stores.shared());
            assertTrue(stores.health().ready());
            assertEquals("not-configured", stores.health().details().get("status"));
            assertInstanceOf(InMemoryRevocationStore.class, stores.revocations());
            assertTrue(stores.rateLimiter(RateLimitsConfig.Algorithm.FIXED_WINDOW)
                    .acquire("k:a", new Quota(1, Duration.ofMinutes(1)))
                    .toCompletableFuture()
                    .join()
                    .allowed());
        }
    }

    @Test
    void rateLimiterWhenEachAlgorithmThenOneLimiterEachThatCounts() {
        try (Stores stores = Stores.create(config("gateway: { demo: true }\n"), Clock.systemUTC())) {
            for (RateLimitsConfig.Algorithm algorithm : RateLimitsConfig.Algorithm.values()) {
                assertSame(stores.rateLimiter(algorithm), stores.rateLimiter(algorithm));
                Quota one = new Quota(1, Duration.ofMinutes(1));
                assertTrue(stores.rateLimiter(algorithm)
                        .acquire("k:a", one)
                        .toCompletableFuture()
                        .join()
                        .allowed());
                assertFalse(stores.rateLimiter(algorithm)
                        .acquire("k:a", one)
                        .toCompletableFuture()
                        .join()
                        .allowed());
            }
        }
    }

    @Test
    void createWhenRedisUnreachableThenStartsAtOnceUnreadyAndFailsFast() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        GatewayConfig config = config("gateway: { demo: true }\nredis:\n  uri: redis://127.0.0.1:" + closedPort
                + "\n  on-failure: { rate-limit: deny, revocation: deny }\n");
        long started = System.nanoTime();
        try (Stores stores = Stores.create(config, Clock.systemUTC())) {
            assertTrue((System.nanoTime() - started) / 1_000_000 < 2000, "creating the stores did not wait on Redis");
            assertTrue(stores.shared());
            assertFalse(stores.health().ready());
            assertEquals(
                    RevocationStatus.UNAVAILABLE,
                    stores.revocations()
                            .check(new RevocationQuery("alice", Optional.empty(), Optional.empty(), Instant.now()))
                            .toCompletableFuture()
                            .join());
            Decision decision = stores.rateLimiter(RateLimitsConfig.Algorithm.FIXED_WINDOW)
                    .acquire("k:a", new Quota(5, Duration.ofMinutes(1)))
                    .toCompletableFuture()
                    .join();
            assertEquals(Decision.Outcome.UNAVAILABLE, decision.outcome());
            assertTrue(decision.resetSeconds() >= 1);
        }
    }
}
