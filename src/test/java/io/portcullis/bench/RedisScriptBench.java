package io.portcullis.bench;

import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Quota;
import io.portcullis.ratelimit.RateLimiter;
import io.portcullis.store.Stores;
import io.portcullis.testsupport.CommandCalls;
import io.portcullis.testsupport.RedisProcess;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Script calls per second, and Redis work per call, with N concurrent callers sharing the one Lettuce
 * connection of {@link Stores}; each caller waits for its answer before the next call, as a request thread
 * would. Starts its own redis-server (see {@link RedisProcess}). Not a test: run it by hand.
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.portcullis.bench.RedisScriptBench [callers] [seconds]
 * </pre>
 *
 * Runs the rate-limit script, the revocation check, the two one after the other (what a JWT request on a
 * rate-limited route cost before they were combined) and the two in one script ({@code check-then-count.lua},
 * what it costs now). Reports, from Redis's own INFO counters: EVALSHA per call (1 = one round trip, no
 * retries or extra commands), all commands per call (Redis counts the ones a script runs too) and socket reads per call (below 1
 * means calls arrived pipelined, several per read).
 */
public final class RedisScriptBench {
    private RedisScriptBench() {}

    public static void main(String[] args) throws Exception {
        int callers = args.length > 0 ? Integer.parseInt(args[0]) : 32;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (RedisProcess redis = RedisProcess.start()) {
            String yaml = "gateway: { demo: true }\nredis: { uri: \"" + redis.uri() + "\", timeout: 1s }\n"
                    + "rate-limits: { algorithm: fixed-window }\n";
            GatewayConfig config = new ConfigLoader()
                    .parse("bench", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), Path.of("."));
            try (Stores stores = Stores.create(config, Clock.systemUTC())) {
                awaitReady(stores);
                System.out.printf(
                        "redis-server %s, %d callers, %d s per run, one shared connection%n",
                        redis.binary(), callers, seconds);
                RateLimiter limiter = stores.rateLimiter(RateLimitsConfig.Algorithm.FIXED_WINDOW);
                Quota quota = new Quota(Long.MAX_VALUE / 2, Duration.ofMinutes(1));
                RevocationStore revocations = stores.revocations();
                for (int callersThisRun : new int[] {1, callers}) {
                    run(
                            redis,
                            "fixed-window.lua (rate limit)",
                            callersThisRun,
                            1,
                            () -> limiter.acquire("k:bench", quota)
                                    .toCompletableFuture()
                                    .join());
                    run(
                            redis,
                            "fixed-window.lua (rate limit)",
                            callersThisRun,
                            seconds,
                            () -> limiter.acquire("k:bench", quota)
                                    .toCompletableFuture()
                                    .join());
                    run(
                            redis,
                            "revocation-check.lua",
                            callersThisRun,
                            seconds,
                            () -> revocations
                                    .check(query())
                                    .toCompletableFuture()
                                    .join());
                    run(redis, "revocation, then rate limit", callersThisRun, seconds, () -> {
                        revocations.check(query()).toCompletableFuture().join();
                        return limiter.acquire("u:alice", quota)
                                .toCompletableFuture()
                                .join();
                    });
                    run(
                            redis,
                            "revocation+fixed-window (one)",
                            callersThisRun,
                            seconds,
                            () -> revocations
                                    .check(query(), new Charge("u:alice", "", quota))
                                    .toCompletableFuture()
                                    .join());
                }
            }
        }
    }

    private static void awaitReady(Stores stores) throws InterruptedException {
        for (int i = 0; i < 500 && !stores.health().ready(); i++) {
            Thread.sleep(20);
        }
        if (!stores.health().ready()) {
            throw new IllegalStateException("Redis not ready: " + stores.health());
        }
    }

    private static RevocationQuery query() {
        return new RevocationQuery("alice", Optional.of("jti-1"), Optional.of("sid-1"), Instant.now());
    }

    private static long evalshaCalls(RedisProcess redis) {
        return CommandCalls.of(redis).getOrDefault("evalsha", 0L);
    }

    private static void run(RedisProcess redis, String name, int callers, int seconds, Supplier<?> call)
            throws Exception {
        long commandsBefore = redis.infoField("stats", "total_commands_processed");
        long readsBefore = redis.infoField("stats", "total_reads_processed");
        long evalshaBefore = evalshaCalls(redis);
        LongAdder calls = new LongAdder();
        CountDownLatch done = new CountDownLatch(callers);
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> threads = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < callers; i++) {
            Thread thread = new Thread(
                    () -> {
                        try {
                            while (System.nanoTime() < end) {
                                call.get();
                                calls.increment();
                            }
                        } finally {
                            done.countDown();
                        }
                    },
                    "bench-caller-" + i);
            threads.add(thread);
            thread.start();
        }
        done.await();
        double elapsed = (System.nanoTime() - started) / 1e9;
        // The INFO calls themselves count one command and one read each.
        long commands = redis.infoField("stats", "total_commands_processed") - commandsBefore - 1;
        long reads = redis.infoField("stats", "total_reads_processed") - readsBefore - 2;
        long evalsha = evalshaCalls(redis) - evalshaBefore;
        long total = calls.sum();
        if (seconds > 1) {
            System.out.printf(
                    "%-32s callers %2d: %7.0f calls/s, %.3f ms/call/caller, EVALSHA/call %.3f, "
                            + "commands/call %.2f (incl. those inside the script), socket reads/call %.3f%n",
                    name,
                    callers,
                    total / elapsed,
                    1000.0 * elapsed * callers / total,
                    (double) evalsha / total,
                    (double) commands / total,
                    (double) reads / total);
        }
    }
}
