package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.portcullis.testsupport.CommandCalls;
import io.portcullis.testsupport.RedisProcess;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A bounded load loop on the JWT + rate-limit path through two gateway nodes, and what it cost in Redis:
 * {@value #WORKERS} clients each sending {@value #PER_WORKER} requests back to back (alternating the nodes)
 * with one user's token to {@code /measured}, a JWT route with a limit of its own too large to be reached, so
 * every request is verified, checked for revocation, counted and proxied. Measured: requests per second, and
 * Redis's own count of calls ({@code INFO commandstats}, summed over the primaries, reset just before) per
 * request: {@code EVALSHA} (one script call: one round trip) and every command a client sent (the scripts'
 * inner commands, {@code PING}, {@code INFO}, the replicas' {@code REPLCONF} and the Sentinels' {@code PUBLISH}
 * left out; the nodes' background probes are in it).
 *
 * @param topology single, sentinel or cluster
 * @param requests requests sent in the measured loop
 * @param millis how long the loop took
 * @param errors answers other than 200
 * @param sent commands a client sent, by name, during the loop, over the primaries
 */
record LoadFigures(String topology, int requests, long millis, int errors, Map<String, Long> sent) {
    static final int WORKERS = 8;
    static final int PER_WORKER = 50;
    /** The route the loop uses; {@link TopologyIT} adds it to the nodes' configuration. */
    static final String ROUTE = "  - { prefix: /measured, id: measured, upstream: \"http://127.0.0.1:"
            + Integer.getInteger("upstream.a.port", 0) + "\", auth: jwt, rate-limit: { limit: 1000000, window: 60s } }";
    /** The commands the scripts run inside (Redis counts them too): not round trips. */
    private static final Set<String> INSIDE_SCRIPTS = Set.of(
            "exists",
            "get",
            "hmget",
            "time",
            "zrange",
            "zremrangebyscore",
            "zcard",
            "zadd",
            "pexpire",
            "incr",
            "pttl",
            "hget",
            "hset",
            "hgetall",
            "type");

    private static final String PASSWORD = "correct horse battery";

    /** Runs the loop (after a warm-up of each node) and reads the counts from {@code primaries}. */
    static LoadFigures measure(GatewayNode a, GatewayNode b, Callable<List<RedisProcess>> primaries, String topology)
            throws Exception {
        String username = AuthIT.unique("load");
        assertEquals(
                201,
                AuthIT.post(a, "/register", AuthIT.credentials(username, PASSWORD))
                        .statusCode());
        String token = Http.json(AuthIT.post(a, "/login", AuthIT.credentials(username, PASSWORD)))
                .path("access_token")
                .asText();
        String[] headers = {"Authorization", AuthIT.bearer(token)};
        for (int i = 0; i < 100; i++) {
            assertEquals(
                    200,
                    Http.get(i % 2 == 0 ? a : b, "/measured/warm-up", headers).statusCode());
        }

        List<RedisProcess> servers = primaries.call();
        for (RedisProcess server : servers) {
            server.command("CONFIG", "RESETSTAT");
        }
        List<Map<String, Long>> before = new ArrayList<>();
        for (RedisProcess server : servers) {
            before.add(CommandCalls.of(server));
        }
        AtomicInteger errors = new AtomicInteger();
        ExecutorService clients = Executors.newFixedThreadPool(WORKERS);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < WORKERS; w++) {
                int worker = w;
                done.add(clients.submit(() -> {
                    for (int i = 0; i < PER_WORKER; i++) {
                        HttpResponse<byte[]> response = Http.get((worker + i) % 2 == 0 ? a : b, "/measured/x", headers);
                        if (response.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    }
                }));
            }
            for (Future<?> each : done) {
                each.get(120, TimeUnit.SECONDS);
            }
        } finally {
            clients.shutdownNow();
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        Map<String, Long> sent = new TreeMap<>();
        for (int i = 0; i < servers.size(); i++) {
            CommandCalls.since(before.get(i), CommandCalls.of(servers.get(i))).forEach((command, calls) -> {
                if (!INSIDE_SCRIPTS.contains(command)
                        && !command.startsWith("config")
                        && !command.equals("replconf")
                        && !command.equals("publish")) {
                    sent.merge(command, calls, Long::sum);
                }
            });
        }
        return new LoadFigures(topology, WORKERS * PER_WORKER, millis, errors.get(), sent);
    }

    double requestsPerSecond() {
        return requests * 1000.0 / Math.max(1, millis);
    }

    /** Script calls per request: one round trip each. */
    double scriptsPerRequest() {
        return (sent.getOrDefault("evalsha", 0L) + sent.getOrDefault("eval", 0L)) / (double) requests;
    }

    /** Every command a client sent, per request (background probes included). */
    double commandsPerRequest() {
        return sent.values().stream().mapToLong(Long::longValue).sum() / (double) requests;
    }

    @Override
    public String toString() {
        return String.format(
                "%s: %d requests (%d clients) in %d ms: %.0f requests/s; per request %.3f script calls, "
                        + "%.3f commands sent; sent %s; errors %d",
                topology,
                requests,
                WORKERS,
                millis,
                requestsPerSecond(),
                scriptsPerRequest(),
                commandsPerRequest(),
                sent,
                errors);
    }
}
