package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.testsupport.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis going away and coming back, against a real redis-server: the breaker opens within the configured
 * failures, no call waits longer than the timeout, and the stores recover by themselves.
 */
class RedisOutageIT {
    private static final Duration TIMEOUT = Duration.ofMillis(200);
    private static final int THRESHOLD = 3;
    /** Scheduling slack on a loaded 2-core machine, on top of the timeout. */
    private static final long SLACK_MS = 150;

    private static final Quota QUOTA = new Quota(1000, Duration.ofMinutes(1));

    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private RedisConnector connector;
    private RedisRevocationStore revocations;
    private RedisRateLimiter denyingLimiter;
    private RedisRateLimiter localFallbackLimiter;

    @BeforeEach
    void setUp() {
        if (!REDIS.process().running()) {
            REDIS.startAgain();
        }
        connector = RedisTesting.connect(REDIS.uri(), Clock.systemUTC(), TIMEOUT, THRESHOLD, meters);
        RedisKeys keys = new RedisKeys(RedisTesting.PREFIX);
        revocations = new RedisRevocationStore(
                connector,
                keys,
                Clock.systemUTC(),
                Duration.ofDays(8),
                new CheckThenCount(connector, keys, RateLimitsConfig.Algorithm.FIXED_WINDOW));
        denyingLimiter = new RedisRateLimiter(connector, keys, RateLimitAlgorithm.FIXED_WINDOW, null);
        localFallbackLimiter = new RedisRateLimiter(
                connector,
                keys,
                RateLimitAlgorithm.FIXED_WINDOW,
                InMemoryRateLimiter.fixedWindow(Clock.systemUTC(), 100));
    }

    @AfterEach
    void tearDown() {
        connector.close();
    }

    private RevocationStatus check() {
        return revocations
                .check(new RevocationQuery("alice", Optional.of("j1"), Optional.of("s1"), Instant.now()))
                .toCompletableFuture()
                .join();
    }

    /** Makes calls until the breaker opens; every call ends within the timeout. @return the calls it took */
    private int callUntilOpen() {
        int calls = 0;
        while (connector.breaker().allowsCalls() && calls < 20) {
            long started = System.nanoTime();
            assertEquals(RevocationStatus.UNAVAILABLE, check());
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMs <= TIMEOUT.toMillis() + SLACK_MS, "a call waited " + tookMs + " ms");
            calls++;
        }
        return calls;
    }

    private void assertFailsFast() {
        for (int i = 0; i < 50; i++) {
            long started = System.nanoTime();
            assertEquals(RevocationStatus.UNAVAILABLE, check());
            assertEquals(
                    Decision.Outcome.UNAVAILABLE,
                    denyingLimiter
                            .acquire("k:a", QUOTA)
                            .toCompletableFuture()
                            .join()
                            .outcome());
            long tookMs = (System.nanoTime() - started) / 1_000_000;
            assertTrue(tookMs < 50, "with the breaker open a call took " + tookMs + " ms");
        }
    }

    @Test
    void callsWhenRedisKilledThenBreakerOpensWithinThresholdAndCallsFailFast() {
        assertEquals(RevocationStatus.ACTIVE, check());
        REDIS.kill();
        int calls = callUntilOpen();
        assertFalse(connector.breaker().allowsCalls());
        assertTrue(calls <= THRESHOLD, "the breaker opened after " + calls + " calls");
        assertFailsFast();
        StoreHealth health = connector.health();
        assertFalse(health.ready());
        assertEquals("down", health.details().get("status"));
    }

    @Test
    void metersWhenRedisKilledThenFailuresCountedAndBreakerGaugeOpen() {
        assertEquals(RevocationStatus.ACTIVE, check());
        assertEquals(0.0, meters.get("portcullis.redis.breaker.open").gauge().value());
        assertTrue(meters.get("portcullis.redis.command.duration")
                        .tag("outcome", "success")
                        .timer()
                        .count()
                >= 1);
        REDIS.kill();
        callUntilOpen();
        assertFailsFast();

        assertEquals(1.0, meters.get("portcullis.redis.breaker.open").gauge().value());
        double failures = meters.get("portcullis.redis.command.failures")
                        .tag("reason", "connection")
                        .counter()
                        .count()
                + meters.get("portcullis.redis.command.failures")
                        .tag("reason", "timeout")
                        .counter()
                        .count();
        assertTrue(failures >= 1, "failed commands counted: " + failures);
        assertTrue(meters.get("portcullis.redis.command.failures")
                        .tag("reason", "circuit-open")
                        .counter()
                        .count()
                >= 50);
    }

    @Test
    void callsWhenRedisHangsThenEachWaitsAtMostTheTimeoutAndBreakerOpens() {
        assertEquals(RevocationStatus.ACTIVE, check());
        REDIS.pause();
        try {
            int calls = callUntilOpen();
            assertEquals(THRESHOLD, calls, "each call timed out once before the breaker opened");
            assertFailsFast();
        } finally {
            REDIS.resume();
        }
        RedisTesting.awaitUp(connector, Duration.ofSeconds(10));
        assertEquals(RevocationStatus.ACTIVE, check());
    }

    @Test
    void callsWhenRedisRestartedOnSamePortThenRecoverWithoutRestartingTheGateway() {
        revocations
                .revokeToken("alice", "gone-with-restart", Instant.now().plusSeconds(60))
                .toCompletableFuture()
                .join();
        REDIS.kill();
        callUntilOpen();
        REDIS.startAgain();
        RedisTesting.awaitUp(connector, Duration.ofSeconds(10));
        assertTrue(connector.health().ready());
        assertEquals(RevocationStatus.ACTIVE, check(), "scripts were loaded again on the fresh server");
        revocations
                .revokeToken("alice", "j1", Instant.now().plusSeconds(60))
                .toCompletableFuture()
                .join();
        assertEquals(RevocationStatus.REVOKED_TOKEN, check());
    }

    @Test
    void rateLimitWhenRedisDownAndPolicyAllowThenCountedLocallyWithTheSameLimit() {
        Quota three = new Quota(3, Duration.ofMinutes(1));
        REDIS.kill();
        callUntilOpen();
        for (int i = 0; i < 3; i++) {
            assertTrue(localFallbackLimiter
                    .acquire("k:local", three)
                    .toCompletableFuture()
                    .join()
                    .allowed());
        }
        assertEquals(
                Decision.Outcome.LIMITED,
                localFallbackLimiter
                        .acquire("k:local", three)
                        .toCompletableFuture()
                        .join()
                        .outcome());
    }

    @Test
    void evalWhenScriptsFlushedThenReloadedTransparently() throws Exception {
        assertEquals(RevocationStatus.ACTIVE, check());
        long reloads = connector.scriptReloads();
        REDIS.process().command("SCRIPT", "FLUSH");
        assertEquals(RevocationStatus.ACTIVE, check());
        assertTrue(denyingLimiter
                .acquire("k:a", QUOTA)
                .toCompletableFuture()
                .join()
                .allowed());
        assertTrue(connector.scriptReloads() >= reloads + 1, "NOSCRIPT made the connector load the script again");
        assertTrue(connector.breaker().allowsCalls(), "NOSCRIPT is no outage");
    }

    @Test
    void startWhenRedisDownAtBootThenStartsAtOnceAndConnectsWhenRedisComes() {
        REDIS.stop();
        RedisConnector late = RedisConnector.start(
                new io.portcullis.config.RedisConfig(
                        Optional.of(java.net.URI.create(REDIS.uri())),
                        RedisTesting.PREFIX,
                        TIMEOUT,
                        io.portcullis.config.RedisConfig.FailurePolicy.ALLOW,
                        io.portcullis.config.RedisConfig.FailurePolicy.DENY),
                Clock.systemUTC(),
                THRESHOLD,
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        try {
            assertFalse(late.health().ready());
            assertEquals("connecting", late.health().details().get("status"));
            RedisRevocationStore store = new RedisRevocationStore(
                    late,
                    new RedisKeys(RedisTesting.PREFIX),
                    Clock.systemUTC(),
                    Duration.ofDays(8),
                    new CheckThenCount(
                            late, new RedisKeys(RedisTesting.PREFIX), RateLimitsConfig.Algorithm.FIXED_WINDOW));
            long started = System.nanoTime();
            assertEquals(
                    RevocationStatus.UNAVAILABLE,
                    store.check(new RevocationQuery("alice", Optional.empty(), Optional.empty(), Instant.now()))
                            .toCompletableFuture()
                            .join());
            assertTrue((System.nanoTime() - started) / 1_000_000 < 50);
            REDIS.startAgain();
            RedisTesting.awaitUp(late, Duration.ofSeconds(10));
            assertEquals(
                    RevocationStatus.ACTIVE,
                    store.check(new RevocationQuery("alice", Optional.empty(), Optional.empty(), Instant.now()))
                            .toCompletableFuture()
                            .join());
        } finally {
            late.close();
        }
    }
}
