package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Rate limiting across the nodes sharing one Redis (CONTRACT §6, §7), with the IT configuration's routes
 * {@code /limited} (3 per 2 s), {@code /burst} (10 per minute) and {@code /unlimited} ({@code rate-limit: off}).
 * Every test uses buckets of its own: a fresh client address in {@code X-Forwarded-For} (honoured from the
 * trusted 127.0.0.1) or a freshly issued API key.
 */
@GatewayIT
class RateLimitIT {
    private static final Pattern REMAINING = Pattern.compile(";r=(\\d+)");
    private static final Pattern RESET = Pattern.compile(";t=(\\d+)");

    @RegisterExtension
    static final IssuedKeys KEYS = new IssuedKeys();

    /** A client address no other test uses. */
    private static String freshAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    private static HttpResponse<byte[]> from(String address, GatewayNode node, String path) {
        return Http.get(node, path, "X-Forwarded-For", address);
    }

    private static long parameter(HttpResponse<byte[]> response, Pattern pattern) {
        String field = response.headers().firstValue("RateLimit").orElseThrow(() -> new AssertionError("no RateLimit"));
        Matcher matcher = pattern.matcher(field);
        assertTrue(matcher.find(), field);
        return Long.parseLong(matcher.group(1));
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(Math.max(0, millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void burstWhenConcurrentThroughBothNodesThenExactlyTheLimitPasses() {
        String address = freshAddress();
        List<GatewayNode> nodes = GatewayNode.all();
        List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            HttpRequest request = Http.request(nodes.get(i % nodes.size()), "/burst/x")
                    .header("X-Forwarded-For", address)
                    .GET()
                    .build();
            answers.add(Http.CLIENT.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
        }
        List<Integer> statuses = answers.stream()
                .map(CompletableFuture::join)
                .map(HttpResponse::statusCode)
                .toList();

        assertEquals(10, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(6, statuses.stream().filter(s -> s == 429).count(), statuses.toString());
    }

    @OnEachNode
    void limitedWhenSpentThen429AndTheWindowResetsWhenItSays(GatewayNode node) {
        String address = freshAddress();
        for (long remaining = 2; remaining >= 0; remaining--) {
            HttpResponse<byte[]> allowed = from(address, node, "/limited/x");
            assertEquals(200, allowed.statusCode());
            assertEquals(
                    "\"limited\";q=3;w=2",
                    allowed.headers().firstValue("RateLimit-Policy").orElse(null));
            assertEquals(remaining, parameter(allowed, REMAINING));
        }
        HttpResponse<byte[]> refused = from(address, node, "/limited/x");
        long refusedAt = System.nanoTime();
        Http.assertProblem(refused, 429, "Too Many Requests");
        long retryAfter =
                Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(retryAfter, parameter(refused, RESET), "RateLimit t and Retry-After agree");
        assertEquals(0, parameter(refused, REMAINING));
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);

        if (retryAfter >= 2) {
            // Honest within a second: still refused a second before it said.
            pause((retryAfter - 1) * 1000 - 300 - (System.nanoTime() - refusedAt) / 1_000_000);
            assertEquals(429, from(address, node, "/limited/x").statusCode());
        }
        pause(retryAfter * 1000 - (System.nanoTime() - refusedAt) / 1_000_000);
        assertEquals(200, from(address, node, "/limited/x").statusCode());
    }

    @OnEachNode
    void limitedWhenTwoAddressesThenTwoBuckets(GatewayNode node) {
        String first = freshAddress();
        for (int i = 0; i < 3; i++) {
            from(first, node, "/limited/x");
        }
        assertEquals(429, from(first, node, "/limited/x").statusCode());
        assertEquals(200, from(freshAddress(), node, "/limited/x").statusCode());
    }

    @OnEachNode
    void limitedWhenTwoKeysThenTwoBucketsEvenFromOneAddress(GatewayNode node) {
        IssuedKeys.Issued first = KEYS.issue(List.of());
        IssuedKeys.Issued second = KEYS.issue(List.of());
        String address = freshAddress();
        for (int i = 0; i < 3; i++) {
            Http.get(node, "/limited/x", "x-api-key", first.secret(), "X-Forwarded-For", address);
        }
        assertEquals(
                429,
                Http.get(node, "/limited/x", "x-api-key", first.secret(), "X-Forwarded-For", address)
                        .statusCode());
        assertEquals(
                200,
                Http.get(node, "/limited/x", "x-api-key", second.secret(), "X-Forwarded-For", address)
                        .statusCode());
    }

    @OnEachNode
    void limitedWhenUntrustedPeerSpoofsForwardedForThenNoFreshBucket(GatewayNode node) throws Exception {
        InetAddress untrusted = InetAddress.getByName("127.0.0.2");
        boolean refused = false;
        for (int i = 0; i < 4 && !refused; i++) {
            refused = Http.rawGet(untrusted, node, "/limited/x", Map.of("X-Forwarded-For", freshAddress()))
                            .status()
                    == 429;
        }
        assertTrue(refused, "four requests from one untrusted peer all passed a limit of 3");
    }

    @Test
    void defaultBucketWhenRoutesWithoutOwnLimitThenSharedPerKey() {
        IssuedKeys.Issued key = KEYS.issue(List.of());
        GatewayNode node = GatewayNode.all().get(0);

        HttpResponse<byte[]> first = Http.get(node, "/api/x", "x-api-key", key.secret());
        HttpResponse<byte[]> second = Http.get(node, "/strip/x", "x-api-key", key.secret());
        HttpResponse<byte[]> own = Http.get(node, "/limited/x", "x-api-key", key.secret());
        HttpResponse<byte[]> off = Http.get(node, "/unlimited/x", "x-api-key", key.secret());

        assertEquals(
                "\"default\";q=100000;w=60",
                first.headers().firstValue("RateLimit-Policy").orElse(null));
        assertEquals(99_999, parameter(first, REMAINING));
        assertEquals(99_998, parameter(second, REMAINING));
        assertEquals(2, parameter(own, REMAINING));
        assertEquals(200, off.statusCode());
        assertFalse(off.headers().firstValue("RateLimit").isPresent());
        assertFalse(off.headers().firstValue("RateLimit-Policy").isPresent());
    }

    @Test
    void limitedWhenRedisStoppedThenCountedPerNodeAndSharedAgainWhenBack() {
        List<GatewayNode> nodes = GatewayNode.all();
        try {
            GatewayRedis.redis().stop();
            awaitNodesUnready(nodes);
            String local = freshAddress();
            for (GatewayNode node : nodes) {
                for (int i = 0; i < 3; i++) {
                    assertEquals(200, from(local, node, "/limited/x").statusCode(), node + " request " + i);
                }
                assertEquals(
                        429,
                        from(local, node, "/limited/x").statusCode(),
                        node + ": not unlimited while Redis is down");
            }
        } finally {
            if (!GatewayRedis.redis().running()) {
                GatewayRedis.redis().startAgain();
            }
            GatewayRedis.awaitNodesReady();
        }
        String shared = freshAddress();
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    200, from(shared, nodes.get(i % nodes.size()), "/limited/x").statusCode());
        }
        for (GatewayNode node : nodes) {
            assertEquals(429, from(shared, node, "/limited/x").statusCode(), node + " counts in Redis again");
        }
    }

    /** Waits (at most 15 s) until every node's readiness reports Redis gone, so its breaker is open. */
    private static void awaitNodesUnready(List<GatewayNode> nodes) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        for (GatewayNode node : nodes) {
            while (Http.get(node, "/health/ready").statusCode() != 503) {
                assertTrue(System.nanoTime() < deadline, node + " did not notice Redis stop");
                pause(100);
            }
        }
    }
}
