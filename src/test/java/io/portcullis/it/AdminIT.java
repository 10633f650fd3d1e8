package io.portcullis.it;

import static io.portcullis.it.AuthIT.bearer;
import static io.portcullis.it.AuthIT.credentials;
import static io.portcullis.it.AuthIT.post;
import static io.portcullis.it.AuthIT.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The admin API ({@code {auth.path}/admin}, docs/admin-api.md) on every node over the shared Redis store, and on
 * a node with the in-memory store: the bootstrap admin manages users, roles, keys and sessions; what one node
 * does, the other sees at once; consumer tokens, forged role claims, API keys and odd path spellings never get
 * in; each admin request writes one {@code [audit]} line.
 */
@GatewayIT
class AdminIT {
    static final String ADMIN = "it-admin";
    static final String ADMIN_PASSWORD = "it-admin-password-0123";
    private static final String PASSWORD = "correct horse battery";

    /**
     * The bootstrap admin's access token. The node creates the admin on an auth request once the store answers
     * (at most once a second), so the very first login after Redis came up may precede it: retried briefly.
     */
    static String adminToken(GatewayNode node) {
        HttpResponse<byte[]> login = post(node, "/login", credentials(ADMIN, ADMIN_PASSWORD));
        for (int attempt = 0; attempt < 10 && login.statusCode() == 401; attempt++) {
            pause(500);
            // From another address each time, so the login back-off of one address never starts.
            login = post(node, "/login", credentials(ADMIN, ADMIN_PASSWORD), "X-Forwarded-For", AuthIT.forwardedFor());
        }
        HttpResponse<byte[]> answer = login;
        assertEquals(200, answer.statusCode(), () -> new String(answer.body(), StandardCharsets.UTF_8));
        return Http.json(answer).path("access_token").asText();
    }

    static HttpResponse<byte[]> admin(GatewayNode node, String method, String path, String token) {
        HttpRequest.Builder builder =
                Http.request(node, "/auth/admin" + path).method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            builder.header("Authorization", bearer(token));
        }
        return Http.send(builder.build());
    }

    /** Registers a user on {@code node}; its id. */
    static String register(GatewayNode node, String username) {
        HttpResponse<byte[]> registered = post(node, "/register", credentials(username, PASSWORD));
        assertEquals(201, registered.statusCode());
        return Http.json(registered).path("user_id").asText();
    }

    static JsonNode login(GatewayNode node, String username) {
        HttpResponse<byte[]> login = post(node, "/login", credentials(username, PASSWORD));
        assertEquals(200, login.statusCode(), () -> new String(login.body(), StandardCharsets.UTF_8));
        return Http.json(login);
    }

    @OnEachNode
    void adminWhenManagingAUserThenEveryNodeSeesItAtOnce(GatewayNode node) {
        GatewayNode other = AuthIT.other(node);
        String root = adminToken(node);
        String name = unique("managed");
        String id = register(node, name);
        JsonNode tokens = login(other, name);
        String access = tokens.path("access_token").asText();

        HttpResponse<byte[]> listed = admin(node, "GET", "/users?prefix=" + name + "&limit=5", root);
        assertEquals(200, listed.statusCode());
        JsonNode users = Http.json(listed).path("users");
        assertEquals(1, users.size());
        assertEquals(id, users.get(0).path("user_id").asText());
        String text = new String(listed.body(), StandardCharsets.UTF_8);
        assertFalse(text.contains("argon2") || text.contains("\"hash\""), text);

        HttpResponse<byte[]> granted = admin(node, "PUT", "/users/" + id + "/roles/orders", root);
        assertEquals(200, granted.statusCode());
        assertEquals("[\"user\",\"orders\"]", Http.json(granted).path("roles").toString());
        JsonNode refreshed = Http.json(post(
                other,
                "/refresh",
                AuthIT.field("refresh_token", tokens.path("refresh_token").asText())));
        assertEquals(
                200,
                Http.get(
                                other,
                                "/jwt-scoped/x",
                                "Authorization",
                                bearer(refreshed.path("access_token").asText()))
                        .statusCode());

        HttpResponse<byte[]> disabled = admin(node, "POST", "/users/" + id + "/disable", root);
        assertEquals(200, disabled.statusCode());
        assertTrue(Http.json(disabled).path("disabled").asBoolean());
        // Every node refuses the user's tokens and logins at once.
        for (GatewayNode each : GatewayNode.all()) {
            assertEquals(
                    401,
                    Http.get(each, "/jwt/x", "Authorization", bearer(access)).statusCode(),
                    each.name());
            assertEquals(
                    401,
                    Http.get(
                                    each,
                                    "/jwt/x",
                                    "Authorization",
                                    bearer(refreshed.path("access_token").asText()))
                            .statusCode(),
                    each.name());
            Http.assertProblem(
                    post(each, "/login", credentials(name, PASSWORD), "X-Forwarded-For", AuthIT.forwardedFor()),
                    401,
                    "Invalid credentials");
        }
        assertEquals(
                401,
                post(
                                other,
                                "/refresh",
                                AuthIT.field(
                                        "refresh_token",
                                        refreshed.path("refresh_token").asText()))
                        .statusCode());

        assertEquals(200, admin(other, "POST", "/users/" + id + "/enable", root).statusCode());
        JsonNode again = login(node, name);
        assertEquals(200, awaitFreshToken(other, again, name).statusCode());
    }

    /** Disabling revokes tokens up to the next whole second: a login in that second may need a second try. */
    private static HttpResponse<byte[]> awaitFreshToken(GatewayNode node, JsonNode tokens, String name) {
        HttpResponse<byte[]> answer = Http.get(
                node,
                "/jwt/x",
                "Authorization",
                bearer(tokens.path("access_token").asText()));
        if (answer.statusCode() == 401) {
            pause(1100);
            answer = Http.get(
                    node,
                    "/jwt/x",
                    "Authorization",
                    bearer(login(node, name).path("access_token").asText()));
        }
        return answer;
    }

    @OnEachNode
    void adminWhenRevokingRoleWithRevokeTokensThenOldTokenRefusedEverywhere(GatewayNode node) {
        String root = adminToken(node);
        String name = unique("demoted");
        String id = register(node, name);
        assertEquals(
                200, admin(node, "PUT", "/users/" + id + "/roles/admin", root).statusCode());
        String access = login(node, name).path("access_token").asText();
        assertEquals(
                200,
                admin(AuthIT.other(node), "GET", "/users?prefix=it-admin", access)
                        .statusCode());

        assertEquals(
                200,
                admin(node, "DELETE", "/users/" + id + "/roles/admin", root).statusCode());
        // The token still claims admin; the stored roles no longer hold it.
        Http.assertProblem(admin(AuthIT.other(node), "GET", "/users", access), 403, "Forbidden");
        assertEquals(
                200,
                admin(node, "DELETE", "/users/" + id + "/roles/user?revoke-tokens=true", root)
                        .statusCode());
        for (GatewayNode each : GatewayNode.all()) {
            assertEquals(401, AuthIT.me(each, access).statusCode(), each.name());
        }
    }

    @OnEachNode
    void adminWhenListingAndRevokingKeysAndSessionsThenTheyStop(GatewayNode node) {
        String root = adminToken(node);
        String name = unique("holder");
        String id = register(node, name);
        JsonNode tokens = login(node, name);
        String access = tokens.path("access_token").asText();
        HttpResponse<byte[]> minted = post(node, "/api-keys", "{\"name\":\"k\"}", "Authorization", bearer(access));
        assertEquals(201, minted.statusCode());
        String key = Http.json(minted).path("api_key").asText();
        String keyId = Http.json(minted).path("id").asText();
        assertEquals(200, Http.get(node, "/api/who", "x-api-key", key).statusCode());

        JsonNode keys = Http.json(admin(AuthIT.other(node), "GET", "/users/" + id + "/api-keys", root));
        assertEquals(keyId, keys.path("api_keys").get(0).path("id").asText());
        assertEquals(
                204,
                admin(AuthIT.other(node), "DELETE", "/users/" + id + "/api-keys/" + keyId, root)
                        .statusCode());
        Http.assertProblem(Http.get(node, "/api/who", "x-api-key", key), 401, "Invalid API key");

        JsonNode sessions = Http.json(admin(node, "GET", "/users/" + id + "/sessions", root))
                .path("sessions");
        assertEquals(1, sessions.size());
        String sid = sessions.get(0).path("sid").asText();
        assertEquals(
                204,
                admin(AuthIT.other(node), "DELETE", "/users/" + id + "/sessions/" + sid, root)
                        .statusCode());
        assertEquals(401, AuthIT.me(node, access).statusCode());
        assertEquals(
                401,
                post(
                                node,
                                "/refresh",
                                AuthIT.field(
                                        "refresh_token",
                                        tokens.path("refresh_token").asText()))
                        .statusCode());
        Http.assertProblem(admin(node, "GET", "/users/no-such-user/sessions", root), 404, "Not Found");
    }

    @OnEachNode
    void adminWhenCalledWithoutAnAdminsOwnTokenThenRefused(GatewayNode node) {
        String root = adminToken(node);
        String rootId = JWT.decode(root).getSubject();
        Http.assertProblem(admin(node, "GET", "/users", null), 401, "Authentication required");
        // An API key is no credential for the admin API.
        Http.assertProblem(
                Http.send(Http.request(node, "/auth/admin/users")
                        .header("x-api-key", ApiKeyIT.PARTNER_KEY)
                        .GET()
                        .build()),
                401,
                "Authentication required");
        // A consumer's token: its roles come from its config entry, and it is never an admin, whatever it claims.
        Instant now = Instant.ofEpochSecond(Instant.now().getEpochSecond());
        for (String subject : List.of(ItTokens.CONSUMER, rootId)) {
            String consumer = JWT.create()
                    .withIssuer(ItTokens.CONSUMER)
                    .withSubject(subject)
                    .withIssuedAt(now)
                    .withExpiresAt(now.plusSeconds(300))
                    .withJWTId(unique("c"))
                    .withClaim("roles", List.of("admin"))
                    .withClaim("scope", "admin")
                    .sign(Algorithm.HMAC256(ItTokens.CONSUMER_SECRET));
            Http.assertProblem(admin(node, "GET", "/users", consumer), 403, "Forbidden");
        }
        // A token of this gateway claiming admin for a user who is not one (the key leaked, or a replay).
        String userId = register(node, unique("claimant"));
        String claims = ItTokens.valid(ItTokens.config(), userId)
                .withClaim("roles", List.of("user", "admin"))
                .sign(ItTokens.gatewayKey());
        Http.assertProblem(admin(node, "GET", "/users", claims), 403, "Forbidden");
        // A token from another issuer naming the admin's id.
        String foreign = ItTokens.valid(ItTokens.config(), rootId)
                .withIssuer("http://127.0.0.1:1/realms/it")
                .withClaim("roles", List.of("admin"))
                .sign(ItTokens.gatewayKey());
        assertEquals(401, admin(node, "GET", "/users", foreign).statusCode());
    }

    @OnEachNode
    void adminWhenPathSpelledOtherwiseThenNeverLetThroughAndNever500(GatewayNode node) {
        String root = adminToken(node);
        String user = AuthIT.login(node).path("access_token").asText();
        List<String> spellings = List.of(
                "/auth/admin/../admin/users",
                "/auth/./admin/users",
                "/auth//admin/users",
                "/auth/%61dmin/users",
                "/auth/admin%2Fusers",
                "/auth/admin%2fusers",
                "/auth/ADMIN/users",
                "/auth/admin;x=1/users",
                "/auth/admin/users;x=1",
                "/auth/admin/users/",
                "/auth/admin/%2e%2e/admin/users",
                "/auth/admin/users%00",
                "/auth/admin/users/%252e%252e",
                "/x/../auth/admin/users");
        InetAddress loopback = InetAddress.getLoopbackAddress();
        // Refused one way or another (400 bad path, 401/403 the admin check or the WAF, 404), never served, never 500.
        for (String path : spellings) {
            int asUser = Http.rawGet(loopback, node, path, Map.of("Authorization", bearer(user)))
                    .status();
            assertTrue(asUser >= 400 && asUser <= 404, path + " as a user: " + asUser);
            int asNobody = Http.rawGet(loopback, node, path, Map.of()).status();
            assertTrue(asNobody >= 400 && asNobody <= 404, path + " anonymously: " + asNobody);
            int asAdmin = Http.rawGet(loopback, node, path, Map.of("Authorization", bearer(root)))
                    .status();
            assertTrue(asAdmin == 200 || (asAdmin >= 400 && asAdmin <= 404), path + " as the admin: " + asAdmin);
        }
        // The spelling the gateway resolves to the admin path is the admin API, with its own check.
        assertEquals(
                200,
                Http.rawGet(loopback, node, "/auth/./admin/users?limit=1", Map.of("Authorization", bearer(root)))
                        .status());
        assertEquals(
                403,
                Http.rawGet(loopback, node, "/auth/./admin/users?limit=1", Map.of("Authorization", bearer(user)))
                        .status());
    }

    @OnEachNode
    void adminWhenDisableRacesRefreshOnTheOtherNodeThenNoTokenOfTheUserSurvives(GatewayNode node) throws Exception {
        GatewayNode other = AuthIT.other(node);
        String root = adminToken(node);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String name = unique("racer");
                String id = register(node, name);
                JsonNode tokens = login(node, name);
                Future<HttpResponse<byte[]>> refresh = pool.submit(() -> post(
                        other,
                        "/refresh",
                        AuthIT.field(
                                "refresh_token", tokens.path("refresh_token").asText())));
                Future<HttpResponse<byte[]>> disable =
                        pool.submit(() -> admin(node, "POST", "/users/" + id + "/disable", root));
                HttpResponse<byte[]> refreshed = refresh.get(60, TimeUnit.SECONDS);
                assertEquals(200, disable.get(60, TimeUnit.SECONDS).statusCode());
                List<String> accessTokens =
                        new ArrayList<>(List.of(tokens.path("access_token").asText()));
                if (refreshed.statusCode() == 200) {
                    accessTokens.add(Http.json(refreshed).path("access_token").asText());
                    assertEquals(
                            401,
                            post(
                                            node,
                                            "/refresh",
                                            AuthIT.field(
                                                    "refresh_token",
                                                    Http.json(refreshed)
                                                            .path("refresh_token")
                                                            .asText()))
                                    .statusCode());
                }
                for (String access : accessTokens) {
                    for (GatewayNode each : GatewayNode.all()) {
                        assertEquals(
                                401,
                                Http.get(each, "/jwt/x", "Authorization", bearer(access))
                                        .statusCode(),
                                "round " + round + " on " + each.name());
                    }
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @OnEachNode
    void adminWhenLastAdminRemovesOwnRoleOrDisablesSelfThen409(GatewayNode node) {
        // The tests run one at a time and leave no other admin behind: the bootstrap admin is the last one.
        String root = adminToken(node);
        String rootId = JWT.decode(root).getSubject();
        Http.assertProblem(admin(node, "DELETE", "/users/" + rootId + "/roles/admin", root), 409, "Conflict");
        Http.assertProblem(admin(AuthIT.other(node), "POST", "/users/" + rootId + "/disable", root), 409, "Conflict");
        assertEquals(200, admin(node, "GET", "/users/" + rootId, root).statusCode());
    }

    @Test
    void adminWhenInMemoryStoreThenSameApiAndAuditLines(@TempDir Path work) throws IOException {
        Path config = inMemoryConfig(work);
        try (ExtraNode memory = new ExtraNode(work, ExtraNode.PORT, config.toString(), "memory")) {
            memory.start();
            GatewayNode node = memory.node();
            String root = adminToken(node);
            String rootId = JWT.decode(root).getSubject();
            Http.assertProblem(admin(node, "DELETE", "/users/" + rootId + "/roles/admin", root), 409, "Conflict");
            String name = unique("memo");
            String id = register(node, name);
            String access = login(node, name).path("access_token").asText();
            HttpResponse<byte[]> listed = admin(node, "GET", "/users?prefix=memo", root);
            assertEquals(
                    id, Http.json(listed).path("users").get(0).path("user_id").asText());
            assertEquals(
                    200, admin(node, "POST", "/users/" + id + "/disable", root).statusCode());
            assertEquals(401, AuthIT.me(node, access).statusCode());
            Http.assertProblem(post(node, "/login", credentials(name, PASSWORD)), 401, "Invalid credentials");
            Http.assertProblem(admin(node, "GET", "/users", access), 401, "Invalid token");

            String log = awaitLine(work.resolve("memory-node.log"), "action=user.disable");
            assertTrue(
                    log.contains("[audit] actor=" + rootId + " action=user.disable target=" + id + " request_id="),
                    log);
            assertTrue(log.contains("[audit] actor=" + rootId + " action=role.revoke target=" + rootId), log);
            assertTrue(log.contains("outcome=refused status=409"), log);
            assertNotEquals(-1, log.indexOf("action=users.list"));
        }
    }

    /** The node's log once it holds {@code needle} (log lines are written asynchronously). */
    private static String awaitLine(Path log, String needle) throws IOException {
        for (int i = 0; i < 50; i++) {
            String text = Files.readString(log, StandardCharsets.UTF_8);
            if (text.contains(needle)) {
                return text;
            }
            pause(100);
        }
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The nodes' configuration without {@code redis.uri}: every store in memory. */
    private static Path inMemoryConfig(Path work) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean dropped = false;
        for (String line : Files.readAllLines(Path.of(System.getProperty("it.config")))) {
            if (line.startsWith("  uri: redis://") || line.startsWith("  timeout:")) {
                dropped |= line.startsWith("  uri:");
                continue;
            }
            lines.add(line);
        }
        assertTrue(dropped, "the IT configuration has no redis.uri line to drop");
        return Files.write(work.resolve("portcullis-memory.yaml"), lines);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
