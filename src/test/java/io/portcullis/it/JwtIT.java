package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.auth.TokenIssuer;
import io.portcullis.config.GatewayConfig;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.store.Stores;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JWT routes on every node with the shared Redis: identity headers and the stripped Authorization as the real
 * upstream sees them, challenges, scopes, consumers, and revocation that takes effect on every node at once.
 * Revocation is written through the real Redis revocation store (the one the nodes use, from the same
 * configuration), standing in for {@code POST /auth/logout} until the auth service is merged.
 */
@GatewayIT
class JwtIT {
    private static GatewayConfig config;
    private static TokenIssuer issuer;
    private static Stores stores;

    @BeforeAll
    static void connect() throws Exception {
        config = ItTokens.config();
        issuer = ItTokens.issuer(config);
        stores = Stores.create(config, Clock.systemUTC());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!stores.health().ready() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void close() {
        stores.close();
    }

    private static String path(String prefix) {
        return prefix + "/" + UUID.randomUUID();
    }

    private static HttpResponse<byte[]> get(GatewayNode node, String path, String token) {
        return Http.get(node, path, "Authorization", "Bearer " + token);
    }

    private static String challenge(HttpResponse<byte[]> response) {
        return response.headers().firstValue("WWW-Authenticate").orElse(null);
    }

    @OnEachNode
    void jwtRouteWhenValidTokenThenUpstreamGetsIdentityButNotTheToken(GatewayNode node) {
        TokenIssuer.AccessToken token =
                issuer.issue("user-" + UUID.randomUUID(), "s1", List.of("admin", "ops"), List.of("orders"));
        HttpResponse<byte[]> response = Http.get(
                node,
                "/jwt/me",
                "Authorization",
                "Bearer " + token.token(),
                "X-User-Id",
                "someone-else",
                "X-Auth-Method",
                "anonymous");

        assertEquals(200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        JsonNode echo = Http.json(response);
        assertTrue(Http.upstreamHeader(echo, "X-User-Id").startsWith("user-"));
        assertEquals("admin,ops", Http.upstreamHeader(echo, "X-User-Roles"));
        assertEquals("jwt", Http.upstreamHeader(echo, "X-Auth-Method"));
        assertNull(Http.upstreamHeader(echo, "Authorization"));
    }

    @OnEachNode
    void jwtRouteWhenForwardAuthorizationThenUpstreamGetsTheToken(GatewayNode node) {
        String token = issuer.issue("u-fwd", "s1", List.of(), List.of()).token();
        JsonNode echo = Http.json(get(node, "/jwt-forward/x", token));
        assertEquals("Bearer " + token, Http.upstreamHeader(echo, "Authorization"));
        assertEquals("u-fwd", Http.upstreamHeader(echo, "X-User-Id"));
    }

    @OnEachNode
    void jwtRouteWhenNoTokenThen401ChallengeWithoutError(GatewayNode node) {
        String path = path("/jwt");
        HttpResponse<byte[]> response = Http.get(node, path);
        Http.assertProblem(response, 401, "Authentication required");
        assertEquals("Bearer realm=\"portcullis\"", challenge(response));
        assertFalse(Upstreams.a().saw(path));
    }

    @OnEachNode
    void jwtRouteWhenTokenOnlyInQueryOrCookieThen401(GatewayNode node) {
        String token = issuer.issue("u-q", "s1", List.of(), List.of()).token();
        String path = path("/jwt");
        Http.assertProblem(Http.get(node, path + "?access_token=" + token), 401, "Authentication required");
        Http.assertProblem(Http.get(node, path, "Cookie", "access_token=" + token), 401, "Authentication required");
        assertFalse(Upstreams.a().saw(path));
    }

    @OnEachNode
    void scopedRouteWhenScopeMissingThen403AndWhenPresentThen200(GatewayNode node) {
        String path = path("/jwt-scoped");
        HttpResponse<byte[]> refused = get(
                node,
                path,
                issuer.issue("u-s", "s1", List.of(), List.of("cart")).token());
        Http.assertProblem(refused, 403, "Insufficient scope");
        assertTrue(challenge(refused).contains("error=\"insufficient_scope\""), challenge(refused));
        assertTrue(challenge(refused).contains("scope=\"orders\""), challenge(refused));
        assertFalse(Upstreams.a().saw(path));

        assertEquals(
                200,
                get(
                                node,
                                path("/jwt-scoped"),
                                issuer.issue("u-s", "s1", List.of(), List.of("orders"))
                                        .token())
                        .statusCode());
    }

    @OnEachNode
    void jwtRouteWhenExpiredThen401SayingExpired(GatewayNode node) {
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        String token = ItTokens.valid(config, "u-exp")
                .withIssuedAt(past)
                .withExpiresAt(past.plusSeconds(60))
                .sign(ItTokens.gatewayKey());
        HttpResponse<byte[]> response = get(node, path("/jwt"), token);
        Http.assertProblem(response, 401, "Invalid token");
        assertEquals(
                "Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\"The token has expired.\"",
                challenge(response));
    }

    @OnEachNode
    void consumerTokenWhenRightSecretThenSubjectIsConsumerAndWrongSecretThen401(GatewayNode node) {
        Instant now = Instant.now();
        String right = JWT.create()
                .withIssuer(ItTokens.CONSUMER)
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(120))
                .sign(Algorithm.HMAC256(ItTokens.CONSUMER_SECRET));
        JsonNode echo = Http.json(get(node, "/jwt/consumer", right));
        assertEquals(ItTokens.CONSUMER + ":" + ItTokens.CONSUMER, Http.upstreamHeader(echo, "X-User-Id"));
        assertEquals("partner", Http.upstreamHeader(echo, "X-User-Roles"));
        assertEquals("jwt", Http.upstreamHeader(echo, "X-Auth-Method"));

        String path = path("/jwt");
        String wrong = JWT.create()
                .withIssuer(ItTokens.CONSUMER)
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(120))
                .sign(Algorithm.HMAC256("not-the-consumer-secret-0123456789abcdef"));
        Http.assertProblem(get(node, path, wrong), 401, "Invalid token");
        assertFalse(Upstreams.a().saw(path));
    }

    @Test
    void revokedTokenWhenRevokedThroughNodeAThenRefusedOnNodeBAtOnce() throws Exception {
        List<GatewayNode> nodes = GatewayNode.all();
        String subject = "user-" + UUID.randomUUID();
        TokenIssuer.AccessToken token = issuer.issue(subject, "sid-" + subject, List.of(), List.of());
        TokenIssuer.AccessToken sibling = issuer.issue(subject, "sid-" + subject, List.of(), List.of());
        for (GatewayNode node : nodes) {
            // Cached on every node before the revocation: the check must still see it.
            assertEquals(200, get(node, "/jwt/warm", token.token()).statusCode());
        }
        RevocationStore revocations = stores.revocations();
        revocations
                .revokeToken(subject, token.jti(), token.expiresAt())
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);

        for (GatewayNode node : nodes) {
            HttpResponse<byte[]> refused = get(node, path("/jwt"), token.token());
            Http.assertProblem(refused, 401, "Invalid token");
            assertTrue(
                    challenge(refused).contains("error_description=\"The token has been revoked."), challenge(refused));
            assertEquals(200, get(node, "/jwt/sibling", sibling.token()).statusCode(), "only that token is revoked");
        }

        revocations
                .revokeSession(subject, "sid-" + subject, sibling.expiresAt())
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        for (GatewayNode node : nodes) {
            Http.assertProblem(get(node, path("/jwt"), sibling.token()), 401, "Invalid token");
        }
    }

    @Test
    void subjectWhenRevokedIssuedBeforeThenEveryOlderTokenRefusedOnEveryNode() throws Exception {
        String subject = "user-" + UUID.randomUUID();
        TokenIssuer.AccessToken token = issuer.issue(subject, "a", List.of(), List.of());
        GatewayNode first = GatewayNode.all().get(0);
        assertEquals(200, get(first, "/jwt/warm", token.token()).statusCode());

        stores.revocations()
                .revokeIssuedBefore(subject, token.issuedAt().plusSeconds(1))
                .toCompletableFuture()
                .get(5, TimeUnit.SECONDS);
        for (GatewayNode node : GatewayNode.all()) {
            HttpResponse<byte[]> refused = get(node, path("/jwt"), token.token());
            Http.assertProblem(refused, 401, "Invalid token");
            assertTrue(challenge(refused).contains("every session"), challenge(refused));
        }
    }

    @OnEachNode
    void jwtRouteWhenRedisDownThen503RetryAfterAndRecovers(GatewayNode node) throws Exception {
        String token = issuer.issue("u-outage", "s1", List.of(), List.of()).token();
        assertEquals(200, get(node, "/jwt/before", token).statusCode());
        GatewayRedis.redis().stop();
        try {
            String path = path("/jwt");
            HttpResponse<byte[]> refused = get(node, path, token);
            Http.assertProblem(refused, 503, "Service Unavailable");
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            assertFalse(Upstreams.a().saw(path));
        } finally {
            GatewayRedis.redis().startAgain();
        }
        GatewayRedis.awaitNodesReady();
        // Readiness can report Redis back a moment before the revocation check's first answer: allow 5 s.
        int status = get(node, "/jwt/after", token).statusCode();
        for (int i = 0; i < 50 && status == 503; i++) {
            Thread.sleep(100);
            status = get(node, "/jwt/after", token).statusCode();
        }
        assertEquals(200, status);
    }
}
