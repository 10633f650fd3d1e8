package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.auth.TokenIssuer;
import io.portcullis.testsupport.CommandCalls;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Redis round trips per request on the full chain (access log, WAF, API key or JWT, rate limit in Redis):
 * at most one. Counted from the shared Redis's {@code INFO commandstats} around N sequential requests through
 * both nodes. That counter also counts what a script runs inside, so what is asserted is: exactly N
 * {@code EVALSHA} (one script call per request, no retry); no {@code HGETALL} or any other command a client
 * could have sent, only the names the scripts run inside, each at most as often as the scripts run it;
 * {@code PING} (each connection's heartbeat, whatever the traffic) and {@code INFO} (this measurement) are
 * left out. The integration tests run one class at a time, so nothing else talks to Redis meanwhile. Also
 * checked on a route with a small limit of its own: a revoked token is refused and not counted.
 */
@GatewayIT
class RoundTripsIT {
    private static final int REQUESTS = 40;
    private static final Pattern REMAINING = Pattern.compile(";r=(\\d+)");
    /** What the scripts run inside (revocation-check, api-key-match, sliding-window: the IT's algorithm). */
    private static final Set<String> INSIDE_SCRIPTS =
            Set.of("exists", "get", "hmget", "time", "zrange", "zremrangebyscore", "zcard", "zadd", "pexpire");

    @RegisterExtension
    static final IssuedKeys KEYS = new IssuedKeys();

    private static final TokenIssuer ISSUER = ItTokens.issuer(ItTokens.config());

    @Test
    void jwtRouteWhenTokenCachedThenOneRoundTripPerRequest() {
        String token = ISSUER.issue("rt-" + UUID.randomUUID(), "s1", List.of(), List.of())
                .token();
        String[] headers = {"Authorization", "Bearer " + token};
        warmUp("/jwt/x", headers);

        Map<String, Long> calls =
                CommandCalls.during(GatewayRedis.redis(), () -> assertCountedDownOneByOne("/jwt/x", headers));

        assertOneScriptPerRequest(calls);
    }

    @Test
    void issuedKeyWhenSeenBeforeThenOneRoundTripPerRequest() {
        IssuedKeys.Issued key = KEYS.issue(List.of());
        String[] headers = {"x-api-key", key.secret()};
        warmUp("/keyed/x", headers); // each node reads a key it has not seen yet once (HGETALL)

        Map<String, Long> calls =
                CommandCalls.during(GatewayRedis.redis(), () -> assertCountedDownOneByOne("/keyed/x", headers));

        assertOneScriptPerRequest(calls);
        assertTrue(!calls.containsKey("hgetall"), calls.toString());
    }

    @Test
    void limitedJwtRouteWhenTokenRevokedThen401AndNotCountedThenLimitedAt429() {
        String subject = "rt-" + UUID.randomUUID();
        TokenIssuer.AccessToken revoked = ISSUER.issue(subject, "s1", List.of(), List.of());
        String other = ISSUER.issue(subject, "s2", List.of(), List.of()).token();
        List<GatewayNode> nodes = GatewayNode.all();

        assertEquals(
                2, remaining(Http.get(nodes.get(0), "/jwt-limited/x", "Authorization", "Bearer " + revoked.token())));
        KEYS.revocations()
                .revokeToken(subject, revoked.jti(), Instant.now().plusSeconds(300))
                .toCompletableFuture()
                .join();
        for (GatewayNode node : nodes) {
            Http.assertProblem(
                    Http.get(node, "/jwt-limited/x", "Authorization", "Bearer " + revoked.token()),
                    401,
                    "Invalid token");
        }

        assertEquals(
                1,
                remaining(Http.get(nodes.get(1 % nodes.size()), "/jwt-limited/x", "Authorization", "Bearer " + other)));
        assertEquals(0, remaining(Http.get(nodes.get(0), "/jwt-limited/x", "Authorization", "Bearer " + other)));
        HttpResponse<byte[]> limited =
                Http.get(nodes.get(1 % nodes.size()), "/jwt-limited/x", "Authorization", "Bearer " + other);
        Http.assertProblem(limited, 429, "Too Many Requests");
        assertTrue(limited.headers().firstValue("Retry-After").isPresent());
        Http.assertProblem(
                Http.get(nodes.get(0), "/jwt-limited/x", "Authorization", "Bearer " + revoked.token()),
                401,
                "Invalid token");
    }

    /** One request per node, so that each node has verified the token or read the key before measuring. */
    private static void warmUp(String path, String... headers) {
        for (GatewayNode node : GatewayNode.all()) {
            assertEquals(200, Http.get(node, path, headers).statusCode());
        }
    }

    /** REQUESTS requests through the nodes in turn; each one is counted (r goes down by one each time). */
    private static void assertCountedDownOneByOne(String path, String... headers) {
        List<GatewayNode> nodes = GatewayNode.all();
        long previous = -1;
        for (int i = 0; i < REQUESTS; i++) {
            HttpResponse<byte[]> response = Http.get(nodes.get(i % nodes.size()), path, headers);
            assertEquals(200, response.statusCode());
            long remaining = remaining(response);
            if (previous >= 0) {
                assertEquals(previous - 1, remaining, "request " + i + " was counted once");
            }
            previous = remaining;
        }
    }

    private static void assertOneScriptPerRequest(Map<String, Long> calls) {
        assertEquals(REQUESTS, calls.getOrDefault("evalsha", 0L), "one script call per request: " + calls);
        calls.forEach((command, count) -> {
            if (!command.equals("evalsha")) {
                assertTrue(INSIDE_SCRIPTS.contains(command), command + " is no command of the scripts: " + calls);
            }
        });
        // Each script runs GET (revocation's not-before mark) and HMGET (the API-key match) at most once.
        assertTrue(calls.getOrDefault("get", 0L) <= REQUESTS, calls.toString());
        assertTrue(calls.getOrDefault("hmget", 0L) <= REQUESTS, calls.toString());
    }

    private static long remaining(HttpResponse<byte[]> response) {
        String field = response.headers().firstValue("RateLimit").orElseThrow(() -> new AssertionError("no RateLimit"));
        Matcher matcher = REMAINING.matcher(field);
        assertTrue(matcher.find(), field);
        return Long.parseLong(matcher.group(1));
    }
}
