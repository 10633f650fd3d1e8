package io.portcullis.auth;

import static io.portcullis.auth.AuthFixture.bearer;
import static io.portcullis.auth.AuthFixture.credentials;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.testsupport.FakeRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AdminEndpointsTest {
    private static final String PASSWORD = "correct horse";
    private static final String ROOT_PASSWORD = "root-password-123";
    private static final String CONSUMER_SECRET = "consumer-secret-0123456789abcdef-xyz";
    private static final String CONFIG = AuthFixture.CONFIG.replace("""
              limits:
            """, """
              bootstrap-admin: { username: root, password: "%s" }
              consumers:
                - { key: partner, secret: "%s", roles: [admin], scopes: [admin] }
              limits:
            """.formatted(ROOT_PASSWORD, CONSUMER_SECRET));

    private AuthFixture fixture;
    private String root;
    private ListAppender<ILoggingEvent> auditLines;

    @BeforeEach
    void setUp() {
        auditLines = new ListAppender<>();
        auditLines.start();
        ((Logger) LoggerFactory.getLogger(AdminAudit.LOGGER)).addAppender(auditLines);
        fixture = new AuthFixture(CONFIG);
        root = login("root", ROOT_PASSWORD).text("access_token");
    }

    @AfterEach
    void tearDown() {
        ((Logger) LoggerFactory.getLogger(AdminAudit.LOGGER)).detachAppender(auditLines);
    }

    private AuthFixture.Answer login(String username, String password) {
        return fixture.post("/login", credentials(username, password));
    }

    private String register(String username) {
        return fixture.post("/register", credentials(username, PASSWORD)).text("user_id");
    }

    private AuthFixture.Answer admin(String method, String path, String token) {
        return admin(method, path, null, token);
    }

    private AuthFixture.Answer admin(String method, String path, String query, String token) {
        FakeRequest request = FakeRequest.of(method, "/auth/admin" + path);
        if (query != null) {
            request.query(query);
        }
        if (token != null) {
            request.header("Authorization", bearer(token));
        }
        RequestAttributes.REQUEST_ID.set(request, "req-" + method + path.hashCode());
        return fixture.call(request);
    }

    private String grantAdmin(String userId) {
        assertEquals(
                200, admin("PUT", "/users/" + userId + "/roles/admin", root).status());
        return login(usernameOf(userId), PASSWORD).text("access_token");
    }

    private String usernameOf(String userId) {
        return admin("GET", "/users/" + userId, root).text("username");
    }

    @Test
    void handleWhenAdminListsUsersThenPagesByPrefixWithoutPasswordHashes() {
        for (String name : List.of("ann", "anna", "annabel", "bob")) {
            register(name);
        }
        AuthFixture.Answer first = admin("GET", "/users", "prefix=ANN&limit=2", root);
        assertEquals(200, first.status());
        assertEquals(List.of("ann", "anna"), usernames(first.body()));
        assertEquals("anna", first.text("next_after"));
        AuthFixture.Answer second = admin("GET", "/users", "prefix=ann&limit=2&after=anna", root);
        assertEquals(List.of("annabel"), usernames(second.body()));
        assertTrue(second.body().path("next_after").isMissingNode());
        AuthFixture.Answer all = admin("GET", "/users", root);
        assertEquals(List.of("ann", "anna", "annabel", "bob", "root"), usernames(all.body()));
        String text = all.response().bodyText();
        assertFalse(text.contains("argon") || text.contains("hash") || text.contains(PASSWORD), text);
        assertEquals(List.of("user", "admin"), roles(all.body().path("users").get(4)));
    }

    @Test
    void handleWhenAdminGetsOneUserThenViewWithoutHashAndUnknownIs404() {
        String id = register("carol");
        AuthFixture.Answer found = admin("GET", "/users/" + id, root);
        assertEquals(200, found.status());
        assertEquals(id, found.text("user_id"));
        assertEquals("carol", found.text("username"));
        assertFalse(found.body().path("disabled").asBoolean());
        assertEquals(List.of("user_id", "username", "roles", "disabled"), fields(found.body()));
        assertEquals(404, admin("GET", "/users/no-such-user", root).status());
    }

    @Test
    void handleWhenNoTokenOrMalformedThen401() {
        AuthFixture.Answer missing = admin("GET", "/users", null);
        assertEquals(401, missing.status());
        assertEquals("Bearer realm=\"portcullis\"", missing.header("WWW-Authenticate"));
        assertEquals(401, admin("GET", "/users", "not.a.jwt").status());
    }

    @Test
    void handleWhenApiKeyInsteadOfTokenThen401() {
        FakeRequest request = FakeRequest.of("GET", "/auth/admin/users");
        request.header("x-api-key", "pk_whatever-it-is");
        assertEquals(401, fixture.call(request).status());
    }

    @Test
    void handleWhenOrdinaryUserThen403() {
        register("dave");
        String token = login("dave", PASSWORD).text("access_token");
        AuthFixture.Answer refused = admin("GET", "/users", token);
        assertEquals(403, refused.status());
        assertEquals("application/problem+json", refused.response().getContentType());
        assertEquals(
                403, admin("POST", "/users/" + idOf(token) + "/disable", token).status());
    }

    @Test
    void handleWhenConsumerTokenClaimsAdminThen403() {
        String rootId = idOf(root);
        for (String subject : List.of("partner", rootId)) {
            String consumer = JWT.create()
                    .withIssuer("partner")
                    .withSubject(subject)
                    .withAudience("api")
                    .withIssuedAt(AuthFixture.START)
                    .withExpiresAt(AuthFixture.START.plusSeconds(300))
                    .withJWTId("c-" + subject)
                    .withClaim("roles", List.of("admin"))
                    .withClaim("typ", "access")
                    .sign(Algorithm.HMAC256(CONSUMER_SECRET.getBytes(StandardCharsets.UTF_8)));
            AuthFixture.Answer refused = admin("GET", "/users", consumer);
            assertEquals(403, refused.status(), subject);
        }
    }

    @Test
    void handleWhenForeignIssuerClaimsAdminThenRefused() {
        String foreign = JWT.create()
                .withIssuer("https://idp.example")
                .withSubject(idOf(root))
                .withAudience("api")
                .withIssuedAt(AuthFixture.START)
                .withExpiresAt(AuthFixture.START.plusSeconds(300))
                .withJWTId("f1")
                .withClaim("roles", List.of("admin"))
                .withClaim("typ", "access")
                .sign(Algorithm.HMAC256("some-other-secret-0123456789abcdef-xyz"));
        assertEquals(401, admin("GET", "/users", foreign).status());
    }

    @Test
    void handleWhenAdminRoleRevokedThenOldTokenRefusedAtOnce() {
        String eveId = register("eve");
        String eve = grantAdmin(eveId);
        assertEquals(200, admin("GET", "/users", eve).status());
        assertEquals(
                200, admin("DELETE", "/users/" + eveId + "/roles/admin", root).status());
        // The token still claims roles: [admin]; the stored roles no longer do.
        assertEquals(403, admin("GET", "/users", eve).status());
    }

    @Test
    void handleWhenDisabledThenLoginAnswersAsWrongPasswordAndSessionsEnd() {
        String id = register("frank");
        AuthFixture.Answer tokens = login("frank", PASSWORD);
        String access = tokens.text("access_token");
        String refresh = tokens.text("refresh_token");
        AuthFixture.Answer disabled = admin("POST", "/users/" + id + "/disable", root);
        assertEquals(200, disabled.status());
        assertTrue(disabled.body().path("disabled").asBoolean());
        assertEquals(1, disabled.body().path("sessions_ended").asInt());

        AuthFixture.Answer refusedLogin = login("frank", PASSWORD);
        AuthFixture.Answer wrongPassword = login("frank", "wrong password");
        assertEquals(401, refusedLogin.status());
        assertEquals(
                wrongPassword.response().bodyText().replaceAll("\"request_id\":\"[^\"]*\"", ""),
                refusedLogin.response().bodyText().replaceAll("\"request_id\":\"[^\"]*\"", ""));
        assertEquals(
                401,
                fixture.post("/refresh", "{\"refresh_token\":\"" + refresh + "\"}")
                        .status());
        assertEquals(401, fixture.get("/me", "Authorization", bearer(access)).status());

        assertEquals(200, admin("POST", "/users/" + id + "/enable", root).status());
        fixture.clock.advance(Duration.ofSeconds(2));
        AuthFixture.Answer again = login("frank", PASSWORD);
        assertEquals(200, again.status());
        assertEquals(
                200,
                fixture.get("/me", "Authorization", bearer(again.text("access_token")))
                        .status());
        // The old token stays revoked after the account is enabled again.
        assertEquals(401, fixture.get("/me", "Authorization", bearer(access)).status());
    }

    @Test
    void handleWhenDisabledThenApiKeysRevoked() {
        String id = register("gina");
        String access = login("gina", PASSWORD).text("access_token");
        AuthFixture.Answer minted = fixture.post("/api-keys", "{\"name\":\"k\"}", "Authorization", bearer(access));
        assertEquals(201, minted.status());
        assertEquals(
                1,
                admin("GET", "/users/" + id + "/api-keys", root)
                        .body()
                        .path("api_keys")
                        .size());
        AuthFixture.Answer disabled = admin("POST", "/users/" + id + "/disable", root);
        assertEquals(1, disabled.body().path("api_keys_revoked").asInt());
        assertEquals(
                0,
                admin("GET", "/users/" + id + "/api-keys", root)
                        .body()
                        .path("api_keys")
                        .size());
        assertTrue(fixture.stores
                .apiKeys()
                .findByHash(io.portcullis.apikey.ApiKeyVerifier.sha256Hex(minted.text("api_key")))
                .toCompletableFuture()
                .join()
                .isEmpty());
    }

    @Test
    void handleWhenRoleGrantedThenEffectiveAtNextRefreshOrAtOnceWithRevokeTokens() {
        String id = register("hank");
        AuthFixture.Answer tokens = login("hank", PASSWORD);
        AuthFixture.Answer granted = admin("PUT", "/users/" + id + "/roles/orders", root);
        assertEquals(200, granted.status());
        assertEquals(List.of("user", "orders"), roles(granted.body()));
        // The old token keeps working with the roles of its login until the next refresh carries the stored ones.
        assertEquals(
                200,
                fixture.get("/me", "Authorization", bearer(tokens.text("access_token")))
                        .status());
        assertEquals(
                List.of("user"),
                JWT.decode(tokens.text("access_token")).getClaim("roles").asList(String.class));
        AuthFixture.Answer refreshed =
                fixture.post("/refresh", "{\"refresh_token\":\"" + tokens.text("refresh_token") + "\"}");
        assertEquals(200, refreshed.status());
        assertTrue(JWT.decode(refreshed.text("access_token"))
                .getClaim("roles")
                .asList(String.class)
                .contains("orders"));

        AuthFixture.Answer revoked = admin("DELETE", "/users/" + id + "/roles/orders", "revoke-tokens=true", root);
        assertEquals(200, revoked.status());
        assertEquals(List.of("user"), roles(revoked.body()));
        assertEquals(
                401,
                fixture.get("/me", "Authorization", bearer(refreshed.text("access_token")))
                        .status());
        assertEquals(
                401,
                fixture.post("/refresh", "{\"refresh_token\":\"" + refreshed.text("refresh_token") + "\"}")
                        .status());
    }

    @Test
    void handleWhenLastAdminRemovesOwnRoleOrDisablesSelfThen409() {
        String rootId = idOf(root);
        assertEquals(
                409, admin("DELETE", "/users/" + rootId + "/roles/admin", root).status());
        assertEquals(409, admin("POST", "/users/" + rootId + "/disable", root).status());
        assertEquals(200, admin("GET", "/users", root).status());
        String ivyId = register("ivy");
        String ivy = grantAdmin(ivyId);
        assertEquals(
                200, admin("DELETE", "/users/" + rootId + "/roles/admin", root).status());
        assertEquals(403, admin("GET", "/users", root).status());
        assertEquals(
                409, admin("DELETE", "/users/" + ivyId + "/roles/admin", ivy).status());
    }

    @Test
    void handleWhenTwoAdminsRemoveEachOtherAtOnceThenOneAdminRemains() throws Exception {
        String ivyId = register("ivy");
        grantAdmin(ivyId);
        String rootId = idOf(root);
        String ivy = login("ivy", PASSWORD).text("access_token");
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Callable<Integer>> calls = List.of(
                    () -> admin("DELETE", "/users/" + rootId + "/roles/admin", root)
                            .status(),
                    () -> admin("DELETE", "/users/" + ivyId + "/roles/admin", ivy)
                            .status());
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : pool.invokeAll(calls, 30, TimeUnit.SECONDS)) {
                statuses.add(f.get());
            }
            assertTrue(statuses.contains(409), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
        long admins =
                fixture.stores.users().list("", java.util.Optional.empty(), 10).toCompletableFuture().join().stream()
                        .filter(User::isActiveAdmin)
                        .count();
        assertEquals(1, admins);
    }

    @Test
    void handleWhenDisableRacesRefreshThenNoTokenOfTheUserWorksAfterwards() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                String name = "race" + round;
                String id = register(name);
                AuthFixture.Answer tokens = login(name, PASSWORD);
                Future<AuthFixture.Answer> refresh = pool.submit(
                        () -> fixture.post("/refresh", "{\"refresh_token\":\"" + tokens.text("refresh_token") + "\"}"));
                Future<AuthFixture.Answer> disable =
                        pool.submit(() -> admin("POST", "/users/" + id + "/disable", root));
                AuthFixture.Answer refreshed = refresh.get(30, TimeUnit.SECONDS);
                assertEquals(200, disable.get(30, TimeUnit.SECONDS).status());
                assertEquals(
                        401,
                        fixture.get("/me", "Authorization", bearer(tokens.text("access_token")))
                                .status());
                if (refreshed.status() == 200) {
                    assertEquals(
                            401,
                            fixture.get("/me", "Authorization", bearer(refreshed.text("access_token")))
                                    .status(),
                            "round " + round);
                    assertEquals(
                            401,
                            fixture.post("/refresh", "{\"refresh_token\":\"" + refreshed.text("refresh_token") + "\"}")
                                    .status(),
                            "round " + round);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A login whose password check passed just before the disable, and whose session and token are made just
     * after it, in the same second: the token is revoked too (the subject's mark is the next whole second).
     */
    @Test
    void handleWhenLoginCheckedBeforeDisableSignsAfterItThenTokenRefused() {
        String id = register("olga");
        Account checked = new Account(id, "olga", List.of("user"), false);
        assertEquals(200, admin("POST", "/users/" + id + "/disable", root).status());
        SessionService lateLogin = new SessionService(
                fixture.stores.sessions(),
                fixture.stores.revocations(),
                new TokenIssuer(fixture.keys, fixture.config.auth(), fixture.clock),
                new RefreshTokens(),
                new StoredCredentials(fixture.stores.users(), fixture.hasher),
                fixture.config.auth(),
                fixture.clock);
        SessionService.TokenPair late = lateLogin.login(checked);
        // What every route checks (the JWT stage): the shared revocation state, not the user store.
        com.auth0.jwt.interfaces.DecodedJWT token = JWT.decode(late.accessToken());
        assertTrue(fixture.stores
                .revocations()
                .check(new io.portcullis.jwt.RevocationQuery(
                        id,
                        java.util.Optional.of(token.getId()),
                        java.util.Optional.of(token.getClaim("sid").asString()),
                        token.getIssuedAtAsInstant()))
                .toCompletableFuture()
                .join()
                .revoked());
        assertEquals(
                401,
                fixture.post("/refresh", "{\"refresh_token\":\"" + late.refreshToken() + "\"}")
                        .status());
    }

    @Test
    void handleWhenAdminListsAndEndsSessionsThenThoseTokensStop() {
        String id = register("jack");
        AuthFixture.Answer first = login("jack", PASSWORD);
        AuthFixture.Answer second = login("jack", PASSWORD);
        JsonNode listed =
                admin("GET", "/users/" + id + "/sessions", root).body().path("sessions");
        assertEquals(2, listed.size());
        String firstSid = JWT.decode(first.text("access_token")).getClaim("sid").asString();
        assertEquals(
                204,
                admin("DELETE", "/users/" + id + "/sessions/" + firstSid, root).status());
        assertEquals(
                401,
                fixture.get("/me", "Authorization", bearer(first.text("access_token")))
                        .status());
        assertEquals(
                200,
                fixture.get("/me", "Authorization", bearer(second.text("access_token")))
                        .status());
        assertEquals(
                404,
                admin("DELETE", "/users/" + id + "/sessions/" + firstSid, root).status());
        // Another user's session cannot be ended through this user.
        String otherSid = JWT.decode(root).getClaim("sid").asString();
        assertEquals(
                404,
                admin("DELETE", "/users/" + id + "/sessions/" + otherSid, root).status());
        assertEquals(204, admin("DELETE", "/users/" + id + "/sessions", root).status());
        assertEquals(
                401,
                fixture.get("/me", "Authorization", bearer(second.text("access_token")))
                        .status());
    }

    @Test
    void handleWhenAdminRevokesAnotherUsersKeyThenGoneAndUnknownIs404() {
        String id = register("kate");
        String access = login("kate", PASSWORD).text("access_token");
        String keyId = fixture.post("/api-keys", "{\"name\":\"k\"}", "Authorization", bearer(access))
                .text("id");
        assertEquals(
                404,
                admin("DELETE", "/users/" + idOf(root) + "/api-keys/" + keyId, root)
                        .status());
        assertEquals(
                204,
                admin("DELETE", "/users/" + id + "/api-keys/" + keyId, root).status());
        assertEquals(
                404,
                admin("DELETE", "/users/" + id + "/api-keys/" + keyId, root).status());
    }

    @Test
    void handleWhenBadInputThen400AndNothingChanges() {
        String id = register("liam");
        assertEquals(400, admin("GET", "/users", "limit=0", root).status());
        assertEquals(400, admin("GET", "/users", "limit=201", root).status());
        assertEquals(400, admin("GET", "/users", "limit=abc", root).status());
        assertEquals(400, admin("GET", "/users", "prefix=a%20b", root).status());
        assertEquals(400, admin("GET", "/users", "prefix=a&prefix=b", root).status());
        assertEquals(400, admin("GET", "/users", "colour=red", root).status());
        assertEquals(400, admin("GET", "/users", "prefix=%zz", root).status());
        assertEquals(
                400,
                admin("PUT", "/users/" + id + "/roles/a%20b".replace("%20", " "), root)
                        .status());
        assertEquals(
                400,
                admin("PUT", "/users/" + id + "/roles/x", "revoke-tokens=yes", root)
                        .status());
        assertEquals(400, admin("GET", "/users/bad.id", root).status());
        AuthFixture.Answer problem = admin("POST", "/users/" + id + "/disable", "now=1", root);
        assertEquals(400, problem.status());
        assertEquals("application/problem+json", problem.response().getContentType());
        assertEquals(List.of("user"), roles(admin("GET", "/users/" + id, root).body()));
        assertFalse(admin("GET", "/users/" + id, root).body().path("disabled").asBoolean());
        assertEquals(404, admin("POST", "/users/no-such-user/disable", root).status());
        assertEquals(404, admin("PUT", "/users/no-such-user/roles/x", root).status());
    }

    @Test
    void handleWhenUnknownPathOrMethodThen404Or405() {
        assertEquals(404, admin("GET", "", root).status());
        assertEquals(404, admin("GET", "/", root).status());
        assertEquals(404, admin("GET", "/users/x/y/z/w", root).status());
        assertEquals(404, admin("GET", "/groups", root).status());
        AuthFixture.Answer wrong = admin("DELETE", "/users", root);
        assertEquals(405, wrong.status());
        assertEquals("GET", wrong.header("Allow"));
        // Unauthenticated probes learn nothing about the paths.
        assertEquals(401, admin("GET", "/groups", null).status());
    }

    @Test
    void handleWhenAdminActsThenOneAuditLinePerRequest() {
        String id = register("mona");
        auditLines.list.clear();
        admin("POST", "/users/" + id + "/disable", root);
        admin("GET", "/users", null);
        register("nick");
        String nick = login("nick", PASSWORD).text("access_token");
        admin("PUT", "/users/" + id + "/roles/x", nick);
        List<String> lines =
                auditLines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertEquals(3, lines.size(), lines.toString());
        assertEquals(
                "[audit] actor=" + idOf(root) + " action=user.disable target=" + id + " request_id=req-POST"
                        + ("/users/" + id + "/disable").hashCode() + " outcome=ok status=200",
                lines.get(0));
        assertTrue(lines.get(1).startsWith("[audit] actor=- action=unknown target=- "), lines.get(1));
        assertTrue(lines.get(1).endsWith(" outcome=denied status=401"), lines.get(1));
        assertTrue(lines.get(2).startsWith("[audit] actor=" + idOf(nick) + " action=unknown target=- "), lines.get(2));
        assertTrue(lines.get(2).endsWith(" outcome=denied status=403"), lines.get(2));
    }

    @Test
    void handleWhenBootstrapAdminExistsThenLeftAsItIs() {
        String rootId = idOf(root);
        String ivyId = register("ivy");
        grantAdmin(ivyId);
        String ivy = login("ivy", PASSWORD).text("access_token");
        assertEquals(
                200, admin("DELETE", "/users/" + rootId + "/roles/admin", ivy).status());
        // A second gateway on the same store (a restart) does not give the role back.
        AuthEndpoint again = AuthEndpoint.create(
                fixture.config,
                fixture.keys,
                fixture.stores.auth(fixture.config.rateLimits().algorithm()),
                fixture.clock,
                fixture.hasher);
        assertNotEquals(null, again);
        assertEquals(
                List.of("user"), roles(admin("GET", "/users/" + rootId, ivy).body()));
    }

    private static String idOf(String accessToken) {
        return JWT.decode(accessToken).getSubject();
    }

    private static List<String> usernames(JsonNode body) {
        List<String> names = new ArrayList<>();
        body.path("users").forEach(user -> names.add(user.path("username").asText()));
        return names;
    }

    private static List<String> roles(JsonNode user) {
        List<String> roles = new ArrayList<>();
        user.path("roles").forEach(role -> roles.add(role.asText()));
        return roles;
    }

    private static List<String> fields(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
