package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.auth.Rotation;
import io.portcullis.auth.RotationResult;
import io.portcullis.auth.RotationResult.Outcome;
import io.portcullis.auth.Session;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.testsupport.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two "gateway nodes" (two Lettuce clients, each with its one shared connection) on one real Redis: counts
 * are exact under concurrency, a refresh race gets one successor, and keys expire when they say.
 */
class RedisSharedStateIT {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private final Clock clock = Clock.systemUTC();
    private final RedisKeys keys = new RedisKeys(RedisTesting.PREFIX);
    private RedisConnector nodeA;
    private RedisConnector nodeB;

    @BeforeEach
    void setUp() {
        REDIS.flushAll();
        nodeA = RedisTesting.connect(REDIS.uri(), clock);
        nodeB = RedisTesting.connect(REDIS.uri(), clock);
    }

    @AfterEach
    void tearDown() {
        nodeA.close();
        nodeB.close();
    }

    @Test
    void incrementWhenTwoClientsEachSend500ConcurrentlyThenExactly1000() {
        RedisCounterStore a = new RedisCounterStore(nodeA, keys, null);
        RedisCounterStore b = new RedisCounterStore(nodeB, keys, null);
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            // All 1000 are in flight at once, pipelined on the two connections.
            calls.add(a.increment("shared", Duration.ofMinutes(5)).toCompletableFuture());
            calls.add(b.increment("shared", Duration.ofMinutes(5)).toCompletableFuture());
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).join();
        assertEquals(1000, a.peek("shared").toCompletableFuture().join().value());
    }

    @Test
    void acquireWhenTwoNodesRaceOverTheLimitThenExactlyLimitPass() {
        Quota quota = new Quota(300, Duration.ofMinutes(1));
        RedisRateLimiter a = new RedisRateLimiter(nodeA, keys, RateLimitAlgorithm.FIXED_WINDOW, null);
        RedisRateLimiter b = new RedisRateLimiter(nodeB, keys, RateLimitAlgorithm.FIXED_WINDOW, null);
        List<CompletableFuture<Decision>> decisions = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            decisions.add(a.acquire("k:race", quota).toCompletableFuture());
            decisions.add(b.acquire("k:race", quota).toCompletableFuture());
        }
        long allowed = decisions.stream()
                .map(CompletableFuture::join)
                .filter(Decision::allowed)
                .count();
        assertEquals(300, allowed);
    }

    @Test
    void rotateWhenTwoNodesRotateTheSameTokenAtOnceThenSameSuccessor() {
        SessionPolicy policy = new SessionPolicy(Duration.ofHours(24), Duration.ofSeconds(30));
        RedisSessionStore a = new RedisSessionStore(nodeA, keys, clock, policy);
        RedisSessionStore b = new RedisSessionStore(nodeB, keys, clock, policy);
        for (int round = 0; round < 50; round++) {
            String sid = "s" + round;
            Instant now = clock.instant();
            a.create(new Session(sid, "alice", now, now, now.plus(Duration.ofDays(7))), "h0")
                    .toCompletableFuture()
                    .join();
            CompletableFuture<RotationResult> ra =
                    a.rotate(new Rotation(sid, "h0", "from-a", "env-a")).toCompletableFuture();
            CompletableFuture<RotationResult> rb =
                    b.rotate(new Rotation(sid, "h0", "from-b", "env-b")).toCompletableFuture();
            RotationResult x = ra.join();
            RotationResult y = rb.join();
            assertEquals(EnumSet.of(Outcome.ROTATED, Outcome.GRACE), EnumSet.of(x.outcome(), y.outcome()));
            assertEquals(x.successorHash(), y.successorHash());
            assertEquals(x.successorEnvelope(), y.successorEnvelope());
        }
    }

    @Test
    void keysWhenTheirTimeComesThenExpire() {
        RedisRevocationStore revocations = new RedisRevocationStore(
                nodeA,
                keys,
                clock,
                Duration.ofMillis(1200),
                new CheckThenCount(nodeA, keys, RateLimitsConfig.Algorithm.FIXED_WINDOW));
        RedisVerifiedTokenStore tokens = new RedisVerifiedTokenStore(nodeA, keys, clock, Duration.ofHours(1));
        RedisRateLimiter limiter = new RedisRateLimiter(nodeA, keys, RateLimitAlgorithm.FIXED_WINDOW, null);
        Instant now = clock.instant();
        RevocationQuery token = new RevocationQuery("alice", Optional.of("j1"), Optional.empty(), now.minusSeconds(1));
        RevocationQuery old = new RevocationQuery("bob", Optional.empty(), Optional.empty(), now.minusSeconds(1));
        revocations
                .revokeToken("alice", "j1", now.plusMillis(1000))
                .toCompletableFuture()
                .join();
        revocations.revokeIssuedBefore("bob", now).toCompletableFuture().join();
        tokens.put("t1", "{}", now.plusMillis(1000)).toCompletableFuture().join();
        Quota onePerSecond = new Quota(1, Duration.ofSeconds(1));
        assertTrue(limiter.acquire("k:ttl", onePerSecond)
                .toCompletableFuture()
                .join()
                .allowed());
        assertEquals(
                Decision.Outcome.LIMITED,
                limiter.acquire("k:ttl", onePerSecond)
                        .toCompletableFuture()
                        .join()
                        .outcome());
        assertEquals(
                RevocationStatus.REVOKED_TOKEN,
                revocations.check(token).toCompletableFuture().join());
        assertEquals(
                RevocationStatus.REVOKED_SUBJECT,
                revocations.check(old).toCompletableFuture().join());

        RedisTesting.pause(1400);
        assertEquals(
                RevocationStatus.ACTIVE,
                revocations.check(token).toCompletableFuture().join());
        assertEquals(
                RevocationStatus.ACTIVE,
                revocations.check(old).toCompletableFuture().join());
        assertTrue(tokens.get("t1").toCompletableFuture().join().isEmpty());
        assertTrue(limiter.acquire("k:ttl", onePerSecond)
                .toCompletableFuture()
                .join()
                .allowed());
    }

    @Test
    void sessionKeyWhenCreatedThenExpiresAtItsIdleDeadline() throws Exception {
        SessionPolicy policy = new SessionPolicy(Duration.ofMinutes(10), Duration.ofSeconds(30));
        RedisSessionStore sessions = new RedisSessionStore(nodeA, keys, clock, policy);
        Instant now = clock.instant();
        sessions.create(new Session("s1", "alice", now, now, now.plus(Duration.ofDays(7))), "h0")
                .toCompletableFuture()
                .join();
        long ttlMs = Long.parseLong(REDIS.process().command("PTTL", keys.session("s1")));
        assertTrue(ttlMs > 9 * 60_000 && ttlMs <= 10 * 60_000, "session TTL " + ttlMs);
    }
}
