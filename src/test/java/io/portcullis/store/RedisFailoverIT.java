package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Quota;
import io.portcullis.testsupport.RedisClusterRig;
import io.portcullis.testsupport.RedisProcess;
import io.portcullis.testsupport.RedisSentinelRig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Failover under load, at the store level: 200 checks per second (revocation check and rate-limit count in
 * one script, a user's hot bucket) for 10 s; 3 s in, the primary that owns the bucket's slot is killed
 * (SIGKILL) — in a 3+3 Redis Cluster, and behind Sentinel. Measured and printed: how long checks were
 * unavailable, the slowest answer (never past {@code redis.timeout} plus scheduling slack), whether a
 * revocation acknowledged just before the kill is still enforced after it, and how far the exact limit was
 * overshot. Revocations wait for one replica ({@code redis.revocation-replicas: 1}). The figures are in
 * {@code docs/redis-topologies.md}.
 */
class RedisFailoverIT {
    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private static final int RATE = 200;
    private static final Duration RUN = Duration.ofSeconds(10);
    private static final Duration KILL_AT = Duration.ofSeconds(3);
    private static final int LIMIT = 1000;
    private static final RedisKeys KEYS = new RedisKeys(RedisTesting.PREFIX);

    private record Call(long startedNanos, long tookNanos, RevocationStatus status, Optional<Boolean> allowed) {}

    /** What one run measured. */
    private record Figures(
            int calls,
            int unavailable,
            long windowMillis,
            long slowestMillis,
            long admitted,
            RevocationStatus revokedAfter,
            boolean breakerClosedAfter) {
        long overshoot() {
            return admitted - LIMIT;
        }
    }

    @Test
    void checkWhenClusterPrimaryOfTheHotSlotIsKilledUnderLoadThenBoundedWindowAndRevocationKept() throws Exception {
        try (RedisClusterRig cluster = RedisClusterRig.start()) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            RedisConnector connector = RedisTesting.connect(
                    cluster.uri(), Clock.systemUTC(), TIMEOUT, CircuitBreaker.DEFAULT_FAILURE_THRESHOLD, meters, 1);
            try {
                String bucketKey = KEYS.rateLimit("u:hot", "default", RateLimitAlgorithm.SLIDING_WINDOW, 60_000);
                Figures figures = run(connector, () -> cluster.primaryOf(bucketKey));
                report("cluster", figures);
                assertFigures(figures);
                assertTrue(meters.get("portcullis.redis.events")
                                .tag("type", "reconnect-attempt")
                                .counter()
                                .count()
                        > 0);
                assertTrue(meters.get("portcullis.redis.events")
                                .tag("type", "topology-change")
                                .counter()
                                .count()
                        > 0);
            } finally {
                connector.close();
            }
        }
    }

    @Test
    void checkWhenSentinelPrimaryIsKilledUnderLoadThenBoundedWindowAndRevocationKept() throws Exception {
        try (RedisSentinelRig sentinel = RedisSentinelRig.start()) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            RedisConnector connector = RedisTesting.connect(
                    sentinel.uri(), Clock.systemUTC(), TIMEOUT, CircuitBreaker.DEFAULT_FAILURE_THRESHOLD, meters, 1);
            try {
                String before = "127.0.0.1:" + sentinel.primary().port();
                Figures figures = run(connector, sentinel::primary);
                report("sentinel", figures);
                assertFigures(figures);
                assertEquals(
                        1.0,
                        meters.get("portcullis.redis.events")
                                .tag("type", "primary-change")
                                .counter()
                                .count());
                Object after = connector.health().details().get("sentinel-primary");
                assertTrue(after != null && !before.equals(after), "readiness names the new primary: " + after);
            } finally {
                connector.close();
            }
        }
    }

    /**
     * One primary killed while its keys are in demand (five checks of a user on it for every check of a user on
     * each other primary), on a Cluster with {@code cluster-require-full-coverage no}: the other primaries' keys
     * are never refused — each primary has its own breaker — while the dead one's are, until the failover.
     */
    @Test
    void checkWhenOneClusterPrimaryIsDeadThenKeysOnTheOtherPrimariesAreNeverRefused() throws Exception {
        try (RedisClusterRig cluster = RedisClusterRig.start()) {
            // Redis's default (yes) has every primary answer CLUSTERDOWN while a slot has no live primary, from
            // the node timeout to the promotion; docs/redis-topologies.md recommends no for the gateway's keys.
            for (RedisProcess node : cluster.nodes()) {
                node.command("CONFIG", "SET", "cluster-require-full-coverage", "no");
            }
            RedisConnector connector = RedisTesting.connect(
                    cluster.uri(),
                    Clock.systemUTC(),
                    TIMEOUT,
                    CircuitBreaker.DEFAULT_FAILURE_THRESHOLD,
                    new SimpleMeterRegistry(),
                    0);
            try {
                RedisRevocationStore store = new RedisRevocationStore(
                        connector,
                        KEYS,
                        Clock.systemUTC(),
                        Duration.ofDays(8),
                        new CheckThenCount(connector, KEYS, RateLimitsConfig.Algorithm.SLIDING_WINDOW));
                RedisProcess victim = cluster.primaryOf(KEYS.subjectNotBefore("hot"));
                List<String> healthy = new java.util.ArrayList<>();
                java.util.Set<Integer> others = new java.util.HashSet<>();
                for (int i = 0; others.size() < 2 && i < 1000; i++) {
                    int port = cluster.primaryOf(KEYS.subjectNotBefore("cool-" + i))
                            .port();
                    if (port != victim.port() && others.add(port)) {
                        healthy.add("cool-" + i);
                    }
                }
                assertEquals(2, healthy.size(), "a user on each other primary");
                for (String user : healthy) {
                    assertEquals(RevocationStatus.ACTIVE, checked(store, user).outcome(), user);
                }
                assertEquals(RevocationStatus.ACTIVE, checked(store, "hot").outcome());

                victim.kill();
                int hotRefused = 0;
                int healthyChecks = 0;
                List<String> healthyRefused = new java.util.ArrayList<>();
                Object refusedPrimaries = 0;
                long end = System.nanoTime() + Duration.ofSeconds(4).toNanos();
                while (System.nanoTime() < end) {
                    List<java.util.concurrent.CompletableFuture<Checked<RevocationStatus>>> hot =
                            new java.util.ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        hot.add(check(store, "hot"));
                    }
                    for (var call : hot) {
                        hotRefused += refusal(call) != null ? 1 : 0;
                    }
                    for (String user : healthy) {
                        healthyChecks++;
                        String reason = refusal(check(store, user));
                        if (reason != null) {
                            healthyRefused.add(user + " at "
                                    + (Duration.ofSeconds(4).toNanos() - (end - System.nanoTime())) / 1_000_000
                                    + " ms: " + reason);
                        }
                    }
                    Object now = connector.health().details().get("primaries-refused");
                    if (now instanceof Integer n && n > 0) {
                        refusedPrimaries = n;
                    }
                    RedisTesting.pause(20);
                }
                System.out.printf(
                        "ONE PRIMARY DEAD: %d checks of its user refused; %d of %d checks on the other "
                                + "primaries refused%n",
                        hotRefused, healthyRefused.size(), healthyChecks);

                assertTrue(hotRefused > 0, "the dead primary's keys were refused");
                assertEquals(
                        0,
                        healthyRefused.size(),
                        "keys on the healthy primaries refused, of " + healthyChecks + ", first: "
                                + healthyRefused.stream().limit(5).toList());
                assertEquals(1, refusedPrimaries, "readiness showed the one refused primary");
            } finally {
                connector.close();
            }
        }
    }

    private static java.util.concurrent.CompletableFuture<Checked<RevocationStatus>> check(
            RedisRevocationStore store, String user) {
        return store.check(
                        new RevocationQuery(
                                user,
                                Optional.of("j"),
                                Optional.of("s"),
                                Instant.now().minusSeconds(1)),
                        new Charge("u:" + user, "default", new Quota(1_000_000, Duration.ofMinutes(1))))
                .toCompletableFuture();
    }

    private static Checked<RevocationStatus> checked(RedisRevocationStore store, String user) {
        return check(store, user).join();
    }

    /** Why {@code call} was refused, or null when it was answered. */
    private static String refusal(java.util.concurrent.CompletableFuture<Checked<RevocationStatus>> call) {
        try {
            return call.join().outcome() == RevocationStatus.UNAVAILABLE ? "unavailable" : null;
        } catch (CompletionException e) {
            return String.valueOf(e.getCause());
        }
    }

    @Test
    void revokeWhenReplicasRequiredAndTheReplicaIsGoneThenNotAcknowledgedWithinTheTimeout() throws Exception {
        try (RedisSentinelRig sentinel = RedisSentinelRig.start()) {
            RedisConnector connector = RedisTesting.connect(
                    sentinel.uri(),
                    Clock.systemUTC(),
                    TIMEOUT,
                    CircuitBreaker.DEFAULT_FAILURE_THRESHOLD,
                    new SimpleMeterRegistry(),
                    1);
            try {
                RedisRevocationStore store = new RedisRevocationStore(
                        connector,
                        KEYS,
                        Clock.systemUTC(),
                        Duration.ofDays(8),
                        new CheckThenCount(connector, KEYS, RateLimitsConfig.Algorithm.SLIDING_WINDOW));
                Instant later = Instant.now().plusSeconds(3600);
                store.revokeToken("bob", "j1", later).toCompletableFuture().join();
                RedisProcess primary = sentinel.primary();
                sentinel.servers().stream().filter(s -> s != primary).forEach(RedisProcess::kill);

                long start = System.nanoTime();
                CompletionException refused = assertThrows(
                        CompletionException.class,
                        () -> store.revokeToken("bob", "j2", later)
                                .toCompletableFuture()
                                .join());
                long took = (System.nanoTime() - start) / 1_000_000;

                assertTrue(refused.getCause() instanceof StoreUnavailableException, refused.toString());
                assertTrue(took <= TIMEOUT.toMillis() * 3 + 250, "bounded: " + took + " ms");
                assertEquals(
                        RevocationStatus.REVOKED_TOKEN,
                        store.check(new RevocationQuery("bob", Optional.of("j1"), Optional.empty(), Instant.now()))
                                .toCompletableFuture()
                                .join());
                store.revokeIssuedBefore("carol", Instant.now())
                        .toCompletableFuture()
                        .handle((ok, failure) -> {
                            assertTrue(failure != null, "the not-before mark waits for the replica too");
                            return null;
                        })
                        .join();
            } finally {
                connector.close();
            }
        }
    }

    private interface Victim {
        RedisProcess find() throws Exception;
    }

    private static Figures run(RedisConnector connector, Victim victim) throws Exception {
        RedisRevocationStore store = new RedisRevocationStore(
                connector,
                KEYS,
                Clock.systemUTC(),
                Duration.ofDays(8),
                new CheckThenCount(connector, KEYS, RateLimitsConfig.Algorithm.SLIDING_WINDOW));
        Charge charge = new Charge("u:hot", "default", new Quota(LIMIT, Duration.ofMinutes(1)));
        RevocationQuery active = new RevocationQuery(
                "hot", Optional.of("live"), Optional.of("s1"), Instant.now().minusSeconds(1));
        RevocationQuery revoked = new RevocationQuery(
                "hot", Optional.of("gone"), Optional.of("s1"), Instant.now().minusSeconds(1));
        ConcurrentLinkedQueue<Call> calls = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService load = Executors.newSingleThreadScheduledExecutor();
        long begin = System.nanoTime();
        load.scheduleAtFixedRate(
                () -> {
                    long started = System.nanoTime();
                    store.check(active, charge)
                            .toCompletableFuture()
                            .whenComplete((checked, failure) -> calls.add(new Call(
                                    started - begin,
                                    System.nanoTime() - started,
                                    checked == null ? RevocationStatus.UNAVAILABLE : checked.outcome(),
                                    checked == null
                                            ? Optional.empty()
                                            : checked.decision().map(d -> d.allowed()))));
                },
                0,
                1_000_000 / RATE,
                TimeUnit.MICROSECONDS);
        try {
            RedisTesting.pause(KILL_AT.toMillis());
            RedisProcess primary = victim.find();
            // Acknowledged, then the primary dies at once: the write must have reached the replica.
            store.revokeToken("hot", "gone", Instant.now().plusSeconds(3600))
                    .toCompletableFuture()
                    .join();
            primary.kill();
            RedisTesting.pause(RUN.minus(KILL_AT).toMillis());
        } finally {
            load.shutdown();
            load.awaitTermination(5, TimeUnit.SECONDS);
        }
        RedisTesting.pause(TIMEOUT.toMillis() * 3);
        List<Call> all = List.copyOf(calls);
        List<Call> failed = all.stream()
                .filter(c -> c.status() == RevocationStatus.UNAVAILABLE)
                .toList();
        long window = failed.isEmpty()
                ? 0
                : (failed.get(failed.size() - 1).startedNanos()
                                - failed.stream()
                                        .mapToLong(Call::startedNanos)
                                        .min()
                                        .orElse(0))
                        / 1_000_000;
        long slowest = all.stream().mapToLong(Call::tookNanos).max().orElse(0) / 1_000_000;
        long admitted = all.stream().filter(c -> c.allowed().orElse(false)).count();
        RevocationStatus after = store.check(revoked).toCompletableFuture().join();
        return new Figures(
                all.size(),
                failed.size(),
                window,
                slowest,
                admitted,
                after,
                connector.breaker().allowsCalls());
    }

    private static void report(String topology, Figures f) {
        System.out.printf(
                "FAILOVER %s: %d checks at %d/s, %d unavailable over %d ms, slowest %d ms, admitted %d of "
                        + "limit %d (overshoot %d), revocation before the kill after it: %s, breaker closed after: %s%n",
                topology,
                f.calls(),
                RATE,
                f.unavailable(),
                f.windowMillis(),
                f.slowestMillis(),
                f.admitted(),
                LIMIT,
                f.overshoot(),
                f.revokedAfter(),
                f.breakerClosedAfter());
    }

    private static void assertFigures(Figures f) {
        assertTrue(f.calls() >= RATE * RUN.toSeconds() * 8 / 10, "the load ran: " + f);
        assertTrue(f.slowestMillis() <= TIMEOUT.toMillis() + 250, "no check hung past redis.timeout: " + f);
        assertEquals(
                RevocationStatus.REVOKED_TOKEN, f.revokedAfter(), "a revocation acknowledged before the kill: " + f);
        assertTrue(f.breakerClosedAfter(), "Redis available again after the failover: " + f);
        assertTrue(f.windowMillis() < 8_000, "the failover ended within the run: " + f);
        assertTrue(f.overshoot() >= 0 && f.overshoot() <= LIMIT / 10, "the limit held within 10 %: " + f);
    }
}
