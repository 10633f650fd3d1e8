package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.auth.TokenIssuer;
import io.portcullis.testsupport.CommandCalls;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The revocation mirror on the real nodes (Tomcat and Jetty, one Redis): a token revoked through one node's
 * RFC 7009 endpoint is refused by every node on the very next request, over 10,000 trials sent from 8 threads
 * at once; and while the mirrors are current a JWT request's revocation check sends Redis nothing (the one
 * script per request left is the rate-limit count).
 */
@GatewayIT
@Disabled("needs revocation.mirror: true on the Maven-started nodes; the shared it-config keeps the default (false) "
        + "because with the mirror JwtIT.jwtRouteWhenRedisDownThen503RetryAfterAndRecovers races the stream "
        + "connection's close (docs/revocation.md); run it with revocation: {mirror: true} added to it-config")
class RevocationMirrorNodesIT {
    private static final int TRIALS = 10_000;
    private static final int THREADS = 8;
    private static final Pattern FALLBACKS =
            Pattern.compile("(?m)^portcullis_revocation_mirror_fallbacks_total(?:\\{[^}]*})? ([0-9.E]+)$");
    private static final Pattern CURRENT =
            Pattern.compile("(?m)^portcullis_revocation_mirror_current(?:\\{[^}]*})? ([0-9.E]+)$");
    private static final TokenIssuer ISSUER = ItTokens.issuer(ItTokens.config());
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    @Test
    @Timeout(1800)
    void revokeThenUseWhenAcrossTomcatAndJettyConcurrentlyThenNeverAdmitted() throws Exception {
        List<GatewayNode> nodes = GatewayNode.all();
        awaitMirrorsCurrent(nodes);
        double fallbacksBefore = sum(nodes, FALLBACKS);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long start = System.nanoTime();
        try {
            List<Future<List<String>>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    List<String> misses = new ArrayList<>();
                    for (int i = thread; i < TRIALS; i += THREADS) {
                        // every pair of (revoking node, using node), the same node included
                        GatewayNode revoking = nodes.get(i % nodes.size());
                        GatewayNode using = nodes.get((i / nodes.size()) % nodes.size());
                        String token = ISSUER.issue(
                                        "mirror-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet(),
                                        "s",
                                        List.of(),
                                        List.of())
                                .token();
                        int before = Http.get(using, "/jwt/mirror", "Authorization", "Bearer " + token)
                                .statusCode();
                        if (before != 200) {
                            misses.add("trial " + i + ": " + before + " before revoking on " + using);
                            continue;
                        }
                        int revoked = revoke(revoking, token);
                        if (revoked != 200) {
                            misses.add("trial " + i + ": revoke answered " + revoked + " on " + revoking);
                            continue;
                        }
                        int after = Http.get(using, "/jwt/mirror", "Authorization", "Bearer " + token)
                                .statusCode();
                        if (after != 401) {
                            misses.add("trial " + i + ": " + after + " on " + using + " after revoking on " + revoking);
                        }
                    }
                    return misses;
                }));
            }
            List<String> misses = new ArrayList<>();
            for (Future<List<String>> result : results) {
                misses.addAll(result.get(30, TimeUnit.MINUTES));
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
            double fallbacks = sum(nodes, FALLBACKS) - fallbacksBefore;
            System.out.printf(
                    "RevocationMirrorNodesIT: %d trials in %d s, %.0f checks fell back to Redis%n",
                    TRIALS, seconds, fallbacks);
            assertEquals(List.of(), misses.subList(0, Math.min(20, misses.size())), misses.size() + " misses");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void jwtRouteWhenMirrorCurrentThenRevocationCheckSendsRedisNothing() {
        List<GatewayNode> nodes = GatewayNode.all();
        String token = ISSUER.issue("mirror-rt-" + SEQUENCE.incrementAndGet(), "s", List.of(), List.of())
                .token();
        for (GatewayNode node : nodes) {
            assertEquals(
                    200,
                    Http.get(node, "/jwt/rt", "Authorization", "Bearer " + token)
                            .statusCode());
        }
        awaitMirrorsCurrent(nodes);
        int requests = 40;

        Map<String, Long> calls = CommandCalls.during(GatewayRedis.redis(), () -> {
            for (int i = 0; i < requests; i++) {
                assertEquals(
                        200,
                        Http.get(nodes.get(i % nodes.size()), "/jwt/rt", "Authorization", "Bearer " + token)
                                .statusCode());
            }
        });

        // Each request: the rate-limit script (sliding window) and nothing else; the revocation script's EXISTS
        // and GET never run.
        assertEquals(requests, calls.getOrDefault("evalsha", 0L), calls.toString());
        assertTrue(!calls.containsKey("exists") && !calls.containsKey("get"), "no revocation check in Redis: " + calls);
    }

    private static int revoke(GatewayNode node, String token) {
        return Http.send(Http.request(node, "/auth/revoke")
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("token=" + token + "&token_type_hint=access_token"))
                        .build())
                .statusCode();
    }

    private static void awaitMirrorsCurrent(List<GatewayNode> nodes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sum(nodes, CURRENT) < nodes.size()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the nodes' revocation mirrors did not become current within 30 s");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static double sum(List<GatewayNode> nodes, Pattern meter) {
        double total = 0;
        for (GatewayNode node : nodes) {
            HttpResponse<byte[]> response = Http.get(node, "/metrics");
            Matcher matcher = meter.matcher(new String(response.body(), StandardCharsets.UTF_8));
            if (matcher.find()) {
                total += Double.parseDouble(matcher.group(1));
            }
        }
        return total;
    }
}
