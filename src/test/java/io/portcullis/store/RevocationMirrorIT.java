package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.quota.Charge;
import io.portcullis.testsupport.CommandCalls;
import io.portcullis.testsupport.RedisServerExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The revocation mirror against a real redis-server, with two "nodes" in this process (two connectors, two
 * feeds): a revocation is in the other node's mirror when the revoking call completes; checks cost no command
 * while the mirror is current; replay after a reconnection, full reload after a gap or a lost stream; a node
 * that does not report is dropped after the wait.
 */
class RevocationMirrorIT {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final RedisKeys KEYS = new RedisKeys(RedisTesting.PREFIX);
    private static final Duration RETENTION = Duration.ofHours(1);
    private final Clock clock = Clock.systemUTC();
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeEach
    void flush() {
        REDIS.flushAll();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    /** One node: its connector, its feed (with a mirror of its own unless given one) and its store. */
    private record Node(RedisConnector redis, RevocationFeed feed, RedisRevocationStore store) {
        RevocationMirror mirror() {
            return feed.mirror();
        }
    }

    private Node node() {
        RedisConnector redis = RedisTesting.connect(REDIS.uri(), clock);
        open.add(redis);
        return node(
                redis, new RevocationMirror(clock, 10_000, () -> redis.answeredWithin(RevocationFeed.HEARTBEAT_BOUND)));
    }

    private Node node(RedisConnector redis, RevocationMirror mirror) {
        RevocationFeed feed =
                new RevocationFeed(redis, KEYS, mirror, "node-" + UUID.randomUUID(), new SimpleMeterRegistry()).start();
        open.add(feed);
        RedisRevocationStore store = new RedisRevocationStore(
                redis,
                KEYS,
                clock,
                RETENTION,
                new CheckThenCount(redis, KEYS, RateLimitsConfig.Algorithm.FIXED_WINDOW),
                feed);
        awaitCurrent(mirror);
        return new Node(redis, feed, store);
    }

    private static void awaitCurrent(RevocationMirror mirror) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!mirror.current()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the mirror did not become current within 10 s");
            }
            RedisTesting.pause(10);
        }
    }

    private static RevocationQuery token(String subject, String jti, String sid, Instant issuedAt) {
        return new RevocationQuery(subject, Optional.ofNullable(jti), Optional.ofNullable(sid), issuedAt);
    }

    private static RevocationStatus check(Node node, RevocationQuery query) throws Exception {
        return node.store().check(query).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    private Instant in(Duration duration) {
        return clock.instant().plus(duration);
    }

    @Test
    void revokeWhenCompletedThenEveryMirrorHasItAndChecksCostNoCommand() throws Exception {
        Node a = node();
        Node b = node();
        String subject = "s-" + UUID.randomUUID();
        Instant issued = clock.instant().minusSeconds(10);

        a.store()
                .revokeToken(subject, "j1", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertEquals(
                RevocationStatus.REVOKED_TOKEN,
                b.mirror().status(KEYS, token(subject, "j1", null, issued)),
                "in the other node's mirror when the revoking call completes");
        assertEquals(RevocationStatus.REVOKED_TOKEN, a.mirror().status(KEYS, token(subject, "j1", null, issued)));
        b.store()
                .revokeSession(subject, "sid1", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        a.store()
                .revokeIssuedBefore(subject, clock.instant().minusSeconds(5))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        awaitCurrent(a.mirror());
        awaitCurrent(b.mirror());

        Charge charge =
                new Charge("u:" + subject, "default", new io.portcullis.quota.Quota(100, Duration.ofMinutes(1)));
        Map<String, Long> calls = CommandCalls.during(REDIS.process(), () -> {
            try {
                for (Node node : List.of(a, b)) {
                    for (int i = 0; i < 500; i++) {
                        assertEquals(RevocationStatus.REVOKED_TOKEN, check(node, token(subject, "j1", null, issued)));
                        assertEquals(
                                RevocationStatus.REVOKED_SESSION, check(node, token(subject, "j2", "sid1", issued)));
                        assertEquals(
                                RevocationStatus.REVOKED_SUBJECT, check(node, token(subject, "j3", "sid2", issued)));
                        assertEquals(
                                RevocationStatus.ACTIVE, check(node, token(subject, "j3", "sid2", clock.instant())));
                        assertEquals(
                                RevocationStatus.ACTIVE,
                                node.store()
                                        .check(token(subject, "j4", null, clock.instant()), charge)
                                        .toCompletableFuture()
                                        .get(5, TimeUnit.SECONDS)
                                        .outcome());
                    }
                }
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });

        assertEquals(Map.of(), calls, "5,000 checks on two nodes, no Redis command");
    }

    @Test
    void revokeThenCheckWhenConcurrentOnTwoNodesThenNeverMissed() throws Exception {
        Node a = node();
        Node b = node();
        List<Node> nodes = List.of(a, b);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> misses = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                misses.add(pool.submit(() -> {
                    int missed = 0;
                    for (int i = 0; i < 250; i++) {
                        String subject = "c-" + thread + "-" + i;
                        Node revoking = nodes.get(i % 2);
                        Node other = nodes.get((i + 1) % 2);
                        revoking.store()
                                .revokeToken(subject, "j", in(Duration.ofMinutes(5)))
                                .toCompletableFuture()
                                .get(10, TimeUnit.SECONDS);
                        if (check(other, token(subject, "j", null, clock.instant()))
                                != RevocationStatus.REVOKED_TOKEN) {
                            missed++;
                        }
                    }
                    return missed;
                }));
            }
            int missed = 0;
            for (Future<Integer> each : misses) {
                missed += each.get(120, TimeUnit.SECONDS);
            }
            assertEquals(0, missed, "2,000 revoke-then-check trials across two nodes");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void feedWhenReconnectedThenReplaysWhatItMissedWithoutReload() throws Exception {
        Node a = node();
        RedisConnector bRedis = RedisTesting.connect(REDIS.uri(), clock);
        open.add(bRedis);
        RevocationMirror mirror =
                new RevocationMirror(clock, 10_000, () -> bRedis.answeredWithin(RevocationFeed.HEARTBEAT_BOUND));
        Node b = node(bRedis, mirror);
        a.store()
                .revokeToken("sub", "seen", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        b.feed().close(); // the node's stream connection is gone; its mirror stays
        a.store()
                .revokeToken("sub", "missed", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        assertFalse(mirror.current());

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RevocationFeed again = new RevocationFeed(bRedis, KEYS, mirror, "node-b-again", meters).start();
        open.add(again);
        awaitCurrent(mirror);

        assertEquals(
                RevocationStatus.REVOKED_TOKEN, mirror.status(KEYS, token("sub", "missed", null, clock.instant())));
        assertEquals(RevocationStatus.REVOKED_TOKEN, mirror.status(KEYS, token("sub", "seen", null, clock.instant())));
        assertEquals(
                0.0,
                meters.get("portcullis.revocation.mirror.reloads").counter().count(),
                "replayed, not reloaded");
    }

    @Test
    void feedWhenItsLastEntryWasTrimmedThenReloadsFromTheKeys() throws Exception {
        Node a = node();
        RedisConnector bRedis = RedisTesting.connect(REDIS.uri(), clock);
        open.add(bRedis);
        RevocationMirror mirror =
                new RevocationMirror(clock, 10_000, () -> bRedis.answeredWithin(RevocationFeed.HEARTBEAT_BOUND));
        Node b = node(bRedis, mirror);
        a.store()
                .revokeToken("sub", "seen", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        b.feed().close();
        a.store()
                .revokeToken("sub", "trimmed", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        a.store()
                .revokeToken("sub", "kept", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        REDIS.process().command("XTRIM", KEYS.revocationEvents(), "MAXLEN", "1"); // "trimmed" fell off the stream

        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RevocationFeed again = new RevocationFeed(bRedis, KEYS, mirror, "node-b-again", meters).start();
        open.add(again);
        awaitCurrent(mirror);

        assertEquals(
                1.0,
                meters.get("portcullis.revocation.mirror.reloads").counter().count(),
                "a gap: reloaded");
        for (String jti : List.of("seen", "trimmed", "kept")) {
            assertEquals(
                    RevocationStatus.REVOKED_TOKEN, mirror.status(KEYS, token("sub", jti, null, clock.instant())), jti);
        }
    }

    @Test
    void feedWhenRedisLostItsDataThenReloadsAndForgetsWhatIsGone() throws Exception {
        Node a = node();
        RedisConnector bRedis = RedisTesting.connect(REDIS.uri(), clock);
        open.add(bRedis);
        RevocationMirror mirror =
                new RevocationMirror(clock, 10_000, () -> bRedis.answeredWithin(RevocationFeed.HEARTBEAT_BOUND));
        Node b = node(bRedis, mirror);
        a.store()
                .revokeToken("sub", "gone", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        b.feed().close();
        REDIS.flushAll();
        a.store()
                .revokeSession("sub", "after", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);

        RevocationFeed again =
                new RevocationFeed(bRedis, KEYS, mirror, "node-b-again", new SimpleMeterRegistry()).start();
        open.add(again);
        awaitCurrent(mirror);

        assertEquals(RevocationStatus.ACTIVE, mirror.status(KEYS, token("sub", "gone", null, clock.instant())));
        assertEquals(
                RevocationStatus.REVOKED_SESSION, mirror.status(KEYS, token("sub", "x", "after", clock.instant())));
    }

    @Test
    void nodeWhenStartedAfterRevocationsAmongManyKeysThenLoadsThemAll() throws Exception {
        Node a = node();
        for (int i = 0; i < 3000; i++) {
            REDIS.process().command("SET", RedisTesting.PREFIX + "noise:" + i, "x"); // several SCAN pages
        }
        String subject = "u-" + UUID.randomUUID();
        a.store()
                .revokeToken(subject, "j", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        a.store()
                .revokeSession(subject, "sid", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        a.store()
                .revokeIssuedBefore(subject, clock.instant().minusSeconds(5))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);

        Node fresh = node();

        Instant issued = clock.instant().minusSeconds(10);
        assertEquals(RevocationStatus.REVOKED_TOKEN, fresh.mirror().status(KEYS, token(subject, "j", null, issued)));
        assertEquals(RevocationStatus.REVOKED_SESSION, fresh.mirror().status(KEYS, token(subject, "x", "sid", issued)));
        assertEquals(RevocationStatus.REVOKED_SUBJECT, fresh.mirror().status(KEYS, token(subject, "x", "y", issued)));
        assertEquals(3, fresh.mirror().size());
    }

    @Test
    void revokeWhenANodeDoesNotReportThenWaitsBoundedAndDropsIt() throws Exception {
        Node a = node();
        REDIS.process().command("HSET", KEYS.revocationNodes(), "silent-node", "0-0");

        long start = System.nanoTime();
        a.store()
                .revokeToken("sub", "j", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(waitedMillis >= RevocationFeed.ACK_WAIT.toMillis() - 50, "waited " + waitedMillis + " ms");
        assertTrue(waitedMillis < RevocationFeed.ACK_WAIT.toMillis() + 3000, "waited " + waitedMillis + " ms");
        assertEquals("0", REDIS.process().command("HEXISTS", KEYS.revocationNodes(), "silent-node"));
        start = System.nanoTime();
        a.store()
                .revokeToken("sub", "j2", in(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertTrue(System.nanoTime() - start < RevocationFeed.ACK_WAIT.toNanos(), "no longer waited for");
    }

    @Test
    void checkWhenMirrorNotCurrentThenAsksRedisAndCountsAFallback() throws Exception {
        RedisConnector redis = RedisTesting.connect(REDIS.uri(), clock);
        open.add(redis);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        RevocationMirror never = new RevocationMirror(clock, 10_000, () -> false); // never a fresh heartbeat
        RevocationFeed feed = new RevocationFeed(redis, KEYS, never, "stale", meters).start();
        open.add(feed);
        RedisRevocationStore store = new RedisRevocationStore(
                redis,
                KEYS,
                clock,
                RETENTION,
                new CheckThenCount(redis, KEYS, RateLimitsConfig.Algorithm.FIXED_WINDOW),
                feed);
        REDIS.process().command("SET", KEYS.revokedToken("sub", "raw"), "1", "PX", "60000"); // no stream entry

        assertEquals(
                RevocationStatus.REVOKED_TOKEN,
                store.check(token("sub", "raw", null, clock.instant()))
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS));
        assertEquals(
                1.0,
                meters.get("portcullis.revocation.mirror.fallbacks").counter().count());
    }

    @Test
    void revokeWhenMirrorOnThenKeyAndStreamEntryWrittenTogether() throws Exception {
        Node a = node();
        Instant until = in(Duration.ofMinutes(5));
        a.store().revokeToken("sub", "j", until).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertEquals("1", REDIS.process().command("EXISTS", KEYS.revokedToken("sub", "j")));
        assertEquals(
                Long.toString(until.toEpochMilli()),
                REDIS.process().command("PEXPIRETIME", KEYS.revokedToken("sub", "j")));
        assertEquals("1", REDIS.process().command("XLEN", KEYS.revocationEvents()));
    }
}
