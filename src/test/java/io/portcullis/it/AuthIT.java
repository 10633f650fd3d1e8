package io.portcullis.it;

import static io.portcullis.it.Http.assertProblem;
import static io.portcullis.it.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The embedded auth service on the real WAR, on every node, with users and sessions in the shared Redis:
 * the seeds' register → login → me → refresh → logout walk-through, rotation and reuse detection across
 * nodes, logout and logout-all seen by the other node at once, RFC 7009 / 7662, API keys, the brute-force
 * limit and bad input.
 */
@GatewayIT
class AuthIT {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final String PASSWORD = "correct horse battery";
    /** Each test's failed logins come from its own address (forwarded by the trusted 127.0.0.1). */
    private static final AtomicInteger ADDRESS = new AtomicInteger(1);

    static String unique(String base) {
        return base + "-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet();
    }

    static GatewayNode other(GatewayNode node) {
        return GatewayNode.all().stream()
                .filter(n -> !n.equals(node))
                .findFirst()
                .orElse(node);
    }

    static HttpResponse<byte[]> post(GatewayNode node, String path, String body, String... headers) {
        HttpRequest.Builder builder = Http.request(node, "/auth" + path)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            builder.headers(headers);
        }
        return Http.send(builder.build());
    }

    static HttpResponse<byte[]> form(GatewayNode node, String path, String body) {
        return Http.send(Http.request(node, "/auth" + path)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());
    }

    static String credentials(String username, String password) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    }

    static String field(String name, String value) {
        return "{\"" + name + "\":\"" + value + "\"}";
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    static String forwardedFor() {
        return "198.51.100." + (ADDRESS.getAndIncrement() % 250 + 1);
    }

    /** Registers a fresh user and logs in on {@code node}; the token response. */
    static JsonNode login(GatewayNode node) {
        String username = unique("user");
        assertEquals(
                201, post(node, "/register", credentials(username, PASSWORD)).statusCode());
        HttpResponse<byte[]> login = post(node, "/login", credentials(username, PASSWORD));
        assertEquals(200, login.statusCode(), () -> new String(login.body(), StandardCharsets.UTF_8));
        return json(login);
    }

    static HttpResponse<byte[]> me(GatewayNode node, String accessToken) {
        return Http.get(node, "/auth/me", "Authorization", bearer(accessToken));
    }

    @OnEachNode
    void walkThroughWhenRegisterLoginMeRefreshLogoutThenEachStepAnswersAsDocumented(GatewayNode node) {
        String username = unique("Walker");
        HttpResponse<byte[]> registered = post(node, "/register", credentials(username, PASSWORD));
        assertEquals(201, registered.statusCode());
        assertEquals(
                username.toLowerCase(java.util.Locale.ROOT),
                json(registered).path("username").asText());
        assertProblem(post(node, "/register", credentials(username, PASSWORD)), 409, "Conflict");

        JsonNode tokens = json(post(node, "/login", credentials(username, PASSWORD)));
        assertEquals("Bearer", tokens.path("token_type").asText());
        assertEquals(
                ItTokens.config().auth().accessTtl().toSeconds(),
                tokens.path("expires_in").asLong());
        assertEquals(
                json(registered).path("user_id").asText(),
                tokens.path("user_id").asText());

        JsonNode me = json(me(node, tokens.path("access_token").asText()));
        assertEquals(
                username.toLowerCase(java.util.Locale.ROOT), me.path("username").asText());
        assertEquals("[\"user\"]", me.path("roles").toString());

        HttpResponse<byte[]> refreshed = post(
                node,
                "/refresh",
                field("refresh_token", tokens.path("refresh_token").asText()));
        assertEquals(200, refreshed.statusCode());
        String access = json(refreshed).path("access_token").asText();
        assertEquals(200, me(node, access).statusCode());

        assertEquals(
                204, post(node, "/logout", "", "Authorization", bearer(access)).statusCode());
        assertProblem(me(node, access), 401, "Invalid token");
        assertProblem(
                post(
                        node,
                        "/refresh",
                        field(
                                "refresh_token",
                                json(refreshed).path("refresh_token").asText())),
                401,
                "Invalid token");
    }

    @OnEachNode
    void refreshWhenRacedAcrossNodesThenSameSuccessorAndReuseEndsSession(GatewayNode node) {
        GatewayNode peer = other(node);
        JsonNode tokens = login(node);
        String first = tokens.path("refresh_token").asText();

        JsonNode second = json(post(node, "/refresh", field("refresh_token", first)));
        HttpResponse<byte[]> raced = post(peer, "/refresh", field("refresh", first));
        assertEquals(200, raced.statusCode());
        assertEquals(
                second.path("refresh_token").asText(),
                json(raced).path("refresh_token").asText(),
                "inside refresh-grace the other node hands out the same successor");

        JsonNode third = json(post(
                peer,
                "/refresh",
                field("refresh_token", second.path("refresh_token").asText())));
        assertNotEquals(
                second.path("refresh_token").asText(),
                third.path("refresh_token").asText());
        HttpResponse<byte[]> reuse = post(node, "/refresh", field("refresh_token", first));
        assertProblem(reuse, 401, "Invalid token");
        assertTrue(reuse.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));

        assertEquals(
                401,
                post(
                                peer,
                                "/refresh",
                                field(
                                        "refresh_token",
                                        third.path("refresh_token").asText()))
                        .statusCode(),
                "reuse ended the whole session");
        assertEquals(401, me(peer, third.path("access_token").asText()).statusCode());
        assertEquals(401, me(node, tokens.path("access_token").asText()).statusCode());
    }

    @OnEachNode
    void logoutWhenOnOneNodeThenTokenRefusedOnTheOtherAtOnce(GatewayNode node) {
        JsonNode tokens = login(node);
        String access = tokens.path("access_token").asText();
        assertEquals(200, me(other(node), access).statusCode());

        assertEquals(
                204,
                post(
                                node,
                                "/logout",
                                field(
                                        "refresh_token",
                                        tokens.path("refresh_token").asText()),
                                "Authorization",
                                bearer(access))
                        .statusCode());

        HttpResponse<byte[]> refused = me(other(node), access);
        assertProblem(refused, 401, "Invalid token");
        assertTrue(refused.headers()
                .firstValue("WWW-Authenticate")
                .orElse("")
                .startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\""));
    }

    @OnEachNode
    void logoutAllWhenTwoSessionsThenBothEndOnEveryNode(GatewayNode node) {
        String username = unique("many");
        post(node, "/register", credentials(username, PASSWORD));
        JsonNode first = json(post(node, "/login", credentials(username, PASSWORD)));
        JsonNode second = json(post(other(node), "/login", credentials(username, PASSWORD)));

        assertEquals(
                204,
                post(
                                node,
                                "/logout-all",
                                "",
                                "Authorization",
                                bearer(first.path("access_token").asText()))
                        .statusCode());

        for (JsonNode session : List.of(first, second)) {
            for (GatewayNode any : GatewayNode.all()) {
                assertEquals(401, me(any, session.path("access_token").asText()).statusCode());
            }
            assertEquals(
                    401,
                    post(
                                    other(node),
                                    "/refresh",
                                    field(
                                            "refresh_token",
                                            session.path("refresh_token").asText()))
                            .statusCode());
        }
        JsonNode again = json(post(node, "/login", credentials(username, PASSWORD)));
        assertEquals(200, me(other(node), again.path("access_token").asText()).statusCode(), "a new login works");
    }

    @OnEachNode
    void revokeWhenAccessThenRefreshTokenThenEachStopsWorking(GatewayNode node) {
        JsonNode tokens = login(node);
        String access = tokens.path("access_token").asText();
        String refresh = tokens.path("refresh_token").asText();

        assertEquals(
                200,
                form(node, "/revoke", "token=" + access + "&token_type_hint=access_token")
                        .statusCode());
        assertEquals(401, me(other(node), access).statusCode());
        assertTrue(
                json(post(other(node), "/introspect", field("token", refresh)))
                        .path("active")
                        .asBoolean(),
                "revoking the access token leaves the session");

        assertEquals(200, post(node, "/revoke", field("token", refresh)).statusCode());
        assertEquals(
                401,
                post(other(node), "/refresh", field("refresh_token", refresh)).statusCode());
        assertEquals(200, post(node, "/revoke", field("token", "not-a-token")).statusCode(), "200 always");
    }

    @OnEachNode
    void introspectAndVerifyWhenActiveAndAfterLogoutThenAnswersFollow(GatewayNode node) {
        JsonNode tokens = login(node);
        String access = tokens.path("access_token").asText();

        JsonNode introspected = json(form(node, "/introspect", "token=" + access));
        assertTrue(introspected.path("active").asBoolean());
        assertEquals(tokens.path("user_id").asText(), introspected.path("sub").asText());
        assertEquals("Bearer", introspected.path("token_type").asText());
        assertFalse(introspected.path("jti").asText().isEmpty());
        JsonNode verified = json(post(other(node), "/verify", field("access", access)));
        assertTrue(verified.path("active").asBoolean());
        assertEquals(tokens.path("user_id").asText(), verified.path("user_id").asText());
        assertEquals("user", verified.path("scope").asText());
        assertEquals(
                "refresh_token",
                json(post(
                                node,
                                "/introspect",
                                field("token", tokens.path("refresh_token").asText())))
                        .path("token_type")
                        .asText());

        post(node, "/logout", "", "Authorization", bearer(access));

        assertEquals(
                "{\"active\":false}",
                json(post(other(node), "/introspect", field("token", access))).toString());
        assertProblem(post(other(node), "/verify", field("token", access)), 401, "Invalid token");
        assertProblem(
                post(
                        node,
                        "/verify",
                        field("token", tokens.path("refresh_token").asText())),
                401,
                "Invalid token");
    }

    @OnEachNode
    void apiKeysWhenCreatedListedDeletedThenEachAnswersAndSecretShownOnce(GatewayNode node) {
        String access = login(node).path("access_token").asText();
        HttpResponse<byte[]> created =
                post(node, "/api-keys", "{\"name\":\"ci\",\"usage_scope\":\"user\"}", "Authorization", bearer(access));
        assertEquals(201, created.statusCode());
        JsonNode key = json(created);
        assertTrue(key.path("api_key").asText().startsWith("pk_"));
        assertEquals("[\"user\"]", key.path("scopes").toString());

        HttpResponse<byte[]> listed = Http.get(other(node), "/auth/api-keys", "Authorization", bearer(access));
        assertEquals(200, listed.statusCode());
        assertEquals(
                key.path("id").asText(),
                json(listed).path("api_keys").get(0).path("id").asText());
        assertFalse(new String(listed.body(), StandardCharsets.UTF_8)
                .contains(key.path("api_key").asText()));

        assertProblem(
                post(node, "/api-keys", "{\"scopes\":[\"admin\"]}", "Authorization", bearer(access)), 403, "Forbidden");
        HttpRequest delete = Http.request(
                        other(node), "/auth/api-keys/" + key.path("id").asText())
                .header("Authorization", bearer(access))
                .DELETE()
                .build();
        assertEquals(204, Http.send(delete).statusCode());
        assertProblem(Http.send(delete), 404, "Not Found");
        assertEquals(
                "{\"api_keys\":[]}",
                json(Http.get(node, "/auth/api-keys", "Authorization", bearer(access)))
                        .toString());
    }

    @OnEachNode
    void loginWhenTooManyFailuresThen429WithRetryAfterOnEveryNodeButOnlyForThatAddress(GatewayNode node) {
        String username = unique("target");
        post(node, "/register", credentials(username, PASSWORD));
        String address = forwardedFor();
        for (int i = 0; i < 5; i++) {
            HttpResponse<byte[]> failed = post(
                    i % 2 == 0 ? node : other(node),
                    "/login",
                    credentials(username, "wrong password"),
                    "X-Forwarded-For",
                    address);
            assertProblem(failed, 401, "Invalid credentials");
        }

        HttpResponse<byte[]> blocked =
                post(other(node), "/login", credentials(username, PASSWORD), "X-Forwarded-For", address);

        assertProblem(blocked, 429, "Too Many Requests");
        long retryAfter =
                Long.parseLong(blocked.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 0 && retryAfter <= 900, "Retry-After " + retryAfter);
        // The guesses of one address do not lock the account for everyone else.
        assertEquals(
                200,
                post(node, "/login", credentials(username, PASSWORD), "X-Forwarded-For", forwardedFor())
                        .statusCode());
        HttpResponse<byte[]> unknown = post(
                node, "/login", credentials(unique("nobody"), "wrong password"), "X-Forwarded-For", forwardedFor());
        assertEquals(
                json(post(
                                node,
                                "/login",
                                credentials(unique("x"), "wrong password"),
                                "X-Forwarded-For",
                                forwardedFor()))
                        .path("detail"),
                json(unknown).path("detail"));
    }

    @OnEachNode
    void anyWhenBadInputThen400ProblemNamingTheFieldAndNever500(GatewayNode node) {
        String megabyte = "u".repeat(1024 * 1024);
        List<String[]> cases = List.of(
                new String[] {"/register", "{\"username\":", "JSON"},
                new String[] {"/register", "[]", "JSON object"},
                new String[] {"/register", "{\"username\":1,\"password\":\"" + PASSWORD + "\"}", "'username'"},
                new String[] {"/register", "{\"password\":\"" + PASSWORD + "\"}", "'username'"},
                new String[] {
                    "/register", "{\"username\":\"x\",\"password\":\"" + PASSWORD + "\",\"admin\":true}", "'admin'"
                },
                new String[] {"/register", credentials("bob", "short"), "'password'"},
                new String[] {"/register", credentials("bob", "p".repeat(1025)), "'password'"},
                new String[] {"/register", credentials("u".repeat(65), PASSWORD), "'username'"},
                new String[] {"/login", credentials(megabyte, PASSWORD), "'username'"},
                new String[] {"/login", "{\"username\":\"bob\"}", "'password'"},
                new String[] {"/refresh", "{\"refresh_token\":[]}", "'refresh_token'"},
                new String[] {"/verify", "{}", "'token'"},
                new String[] {"/introspect", "{\"token\":null}", "'token'"});
        for (String[] c : cases) {
            HttpResponse<byte[]> answer = post(node, c[0], c[1]);
            int status = answer.statusCode();
            assertTrue(status == 400 || status == 413, c[0] + " " + c[1].length() + " → " + status);
            if (status == 400) {
                JsonNode problem = assertProblem(answer, 400, "Bad Request");
                assertTrue(problem.path("detail").asText().contains(c[2]), problem.toString());
            }
        }
        HttpResponse<byte[]> wrongType = Http.send(Http.request(node, "/auth/login")
                .header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("username=bob"))
                .build());
        assertProblem(wrongType, 400, "Bad Request");
        HttpResponse<byte[]> notAllowed = Http.get(node, "/auth/login");
        assertProblem(notAllowed, 405, "Method Not Allowed");
        assertEquals("POST", notAllowed.headers().firstValue("Allow").orElse(""));
        assertProblem(Http.get(node, "/auth/nothing"), 404, "Not Found");
        assertProblem(Http.get(node, "/auth/me"), 401, "Authentication required");
    }

    @OnEachNode
    void wellKnownWhenRequestedThenMetadataNamesTheAuthEndpoints(GatewayNode node) {
        HttpResponse<byte[]> metadata = Http.get(node, "/.well-known/openid-configuration");
        assertEquals(200, metadata.statusCode());
        assertTrue(json(metadata).path("token_endpoint").asText().endsWith("/auth/login"));
        HttpResponse<byte[]> jwks = Http.get(node, "/.well-known/jwks.json");
        assertEquals(200, jwks.statusCode());
        assertTrue(json(jwks).path("keys").isArray(), "HS256 publishes no keys, but the set exists");
    }
}
