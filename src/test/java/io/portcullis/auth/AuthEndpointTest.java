package io.portcullis.auth;

import static io.portcullis.auth.AuthFixture.bearer;
import static io.portcullis.auth.AuthFixture.credentials;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.portcullis.auth.AuthFixture.Answer;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AuthEndpointTest {
    private final AuthFixture auth = new AuthFixture();

    private static void assertProblem(Answer answer, int status, String detailPart) {
        assertEquals(status, answer.status(), () -> String.valueOf(answer.body()));
        assertEquals("application/problem+json", answer.response().getContentType());
        assertTrue(answer.text("detail").contains(detailPart), answer.text("detail"));
    }

    @Test
    void handleWhenRegisterThenCreatedWithNormalisedUsername() {
        Answer answer = auth.post("/register", credentials("Ａｌｉｃｅ", "correct horse"));

        assertEquals(201, answer.status());
        assertEquals("alice", answer.text("username"));
        assertFalse(answer.text("user_id").isEmpty());
        assertEquals(2, answer.body().size());
    }

    @Test
    void handleWhenRegisterTakenUsernameInAnotherCaseThen409() {
        auth.post("/register", credentials("alice", "correct horse"));

        assertProblem(auth.post("/register", credentials("ALICE", "other password")), 409, "taken");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"username\":\"bob\"",
                "[1,2]",
                "\"text\"",
                "",
                "{\"username\":\"bob\",\"password\":\"pw-long-enough\",\"x\":1}",
                "{\"username\":7,\"password\":\"pw-long-enough\"}",
                "{\"password\":\"pw-long-enough\"}",
                "{\"username\":\"bob\"}",
                "{\"username\":\"bob\",\"password\":\"short\"}",
                "{\"username\":\"bob\",\"password\":[\"pw-long-enough\"]}",
                "{\"username\":\"\",\"password\":\"pw-long-enough\"}",
                "{\"username\":\"a b\",\"password\":\"pw-long-enough\"}"
            })
    void handleWhenRegisterWithBadInputThen400AndNothingStored(String body) {
        Answer answer = auth.post("/register", body);

        assertEquals(400, answer.status(), () -> String.valueOf(answer.body()));
        assertEquals("Bad Request", answer.text("title"));
        assertTrue(auth.stores
                .users()
                .findByUsername("bob")
                .toCompletableFuture()
                .join()
                .isEmpty());
    }

    @Test
    void handleWhenFieldsOversizedThen400NamingTheField() {
        String megabyte = "u".repeat(1024 * 1024);
        assertProblem(auth.post("/register", credentials(megabyte, "correct horse")), 400, "'username'");
        assertProblem(auth.post("/register", credentials("u".repeat(65), "correct horse")), 400, "'username'");
        assertProblem(auth.post("/register", credentials("bob", "p".repeat(1025))), 400, "'password'");
        assertProblem(auth.post("/login", credentials("bob", "p".repeat(1025))), 400, "'password'");
        assertEquals(
                201,
                auth.post("/register", credentials("u".repeat(64), "p".repeat(1024)))
                        .status());
    }

    @Test
    void handleWhenRegistrationOffThen403() {
        AuthFixture closed = new AuthFixture(
                AuthFixture.CONFIG.replace("  refresh-grace: 30s", "  refresh-grace: 30s\n  registration: false"));

        assertProblem(closed.post("/register", credentials("bob", "correct horse")), 403, "registration");
    }

    @Test
    void handleWhenLoginThenTokenResponseWithVerifiableAccessToken() {
        Answer registered = auth.post("/register", credentials("bob", "correct horse"));
        Answer login = auth.post("/login", credentials("BOB", "correct horse"));

        assertEquals(200, login.status());
        assertEquals(
                List.of("access_token", "token_type", "expires_in", "refresh_token", "user_id"),
                List.copyOf(iterable(login)));
        assertEquals("Bearer", login.text("token_type"));
        assertEquals(900, login.body().path("expires_in").asInt());
        assertEquals(registered.text("user_id"), login.text("user_id"));
        assertTrue(login.text("refresh_token").startsWith("prt_"));
        assertEquals("no-store", login.header("Cache-Control"));
        Answer me = auth.get("/me", "Authorization", bearer(login.text("access_token")));
        assertEquals(200, me.status());
        assertEquals("bob", me.text("username"));
        assertEquals(List.of("user"), List.of(me.body().path("roles").get(0).asText()));
        assertEquals(
                AuthFixture.START.plus(Duration.ofMinutes(15)).getEpochSecond(),
                me.body().path("exp").asLong());
    }

    private static List<String> iterable(Answer answer) {
        List<String> names = new ArrayList<>();
        answer.body().fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void handleWhenLoginWrongPasswordOrUnknownUserThenSame401() {
        auth.post("/register", credentials("bob", "correct horse"));

        Answer wrong = auth.post("/login", credentials("bob", "wrong horse"));
        Answer unknown = auth.post("/login", credentials("nobody", "wrong horse"));

        assertProblem(wrong, 401, "username or password");
        assertEquals("Invalid credentials", wrong.text("title"));
        assertEquals(wrong.text("detail"), unknown.text("detail"));
        assertEquals(wrong.text("type"), unknown.text("type"));
    }

    @Test
    void handleWhenFreeAttemptsSpentThen429WithBackoffEvenForRightPasswordAndLaterAllowed() {
        auth.post("/register", credentials("bob", "correct horse"));
        int free = auth.config.auth().limits().login().perUsernameAndAddress();
        for (int i = 0; i < free; i++) {
            assertEquals(
                    401, auth.post("/login", credentials("bob", "wrong horse")).status());
        }

        Answer blocked = auth.post("/login", credentials("bob", "correct horse"));

        assertProblem(blocked, 429, "Too many login attempts");
        assertEquals("1", blocked.header("Retry-After"));
        auth.clock.advance(Duration.ofSeconds(1));
        assertEquals(
                200, auth.post("/login", credentials("bob", "correct horse")).status());
    }

    @Test
    void handleWhenTooManyAttemptsFromAddressThen429ForAnyUsername() {
        int free = auth.config.auth().limits().login().perAddress();
        for (int i = 0; i < free; i++) {
            assertEquals(
                    401,
                    auth.post("/login", credentials("user" + i, "wrong horse")).status());
        }

        assertProblem(auth.post("/login", credentials("someone-else", "wrong horse")), 429, "Too many");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void handleWhenFiftyConcurrentGuessesThenAtMostTheFreeAttemptsEvaluated(boolean rightOneAmongThem)
            throws Exception {
        auth.post("/register", credentials("bob", "correct horse"));
        int free = auth.config.auth().limits().login().perUsernameAndAddress();
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String password = rightOneAmongThem && i == 49 ? "correct horse" : "wrong horse " + i;
                FakeRequest request = AuthFixture.jsonRequest("POST", "/auth/login", credentials("bob", password));
                answers.add(pool.submit(() -> {
                    start.await();
                    FakeResponse response = FakeResponse.create();
                    auth.endpoint.handle(request, response);
                    return response.getStatus();
                }));
            }
            start.countDown();
            int evaluated = 0;
            int wrongEvaluated = 0;
            for (Future<Integer> answer : answers) {
                int status = answer.get(60, TimeUnit.SECONDS);
                assertTrue(status == 401 || status == 200 || status == 429, "status " + status);
                evaluated += status == 429 ? 0 : 1;
                wrongEvaluated += status == 401 ? 1 : 0;
            }
            // A right password takes its own count back, so one more attempt may follow it: by someone who knows the
            // password already.
            assertTrue(wrongEvaluated <= free, "wrong passwords evaluated: " + wrongEvaluated);
            assertTrue(evaluated <= free + (rightOneAmongThem ? 1 : 0), "evaluated: " + evaluated);
            if (!rightOneAmongThem) {
                assertEquals(free, evaluated);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void handleWhenRightPasswordFromOneAddressThenOtherAddressesFailuresStay() {
        auth.post("/register", credentials("bob", "correct horse"));
        int free = auth.config.auth().limits().login().perUsernameAndAddress();
        for (int i = 0; i < free; i++) {
            assertEquals(
                    401,
                    auth.call(AuthFixture.jsonRequest("POST", "/auth/login", credentials("bob", "wrong horse"))
                                    .remoteAddr("203.0.113.66"))
                            .status());
        }

        assertEquals(
                200, auth.post("/login", credentials("bob", "correct horse")).status());

        assertEquals(
                429,
                auth.call(AuthFixture.jsonRequest("POST", "/auth/login", credentials("bob", "wrong horse"))
                                .remoteAddr("203.0.113.66"))
                        .status());
    }

    @Test
    void handleWhenStrangersRunUpTheUsernameThenTheOwnersKnownAddressStillLogsIn() {
        auth.post("/register", credentials("bob", "correct horse"));
        assertEquals(
                200, auth.post("/login", credentials("bob", "correct horse")).status());
        int perUsername = auth.config.auth().limits().login().perUsername();
        for (int i = 0; i < perUsername; i++) {
            auth.call(AuthFixture.jsonRequest("POST", "/auth/login", credentials("bob", "wrong horse"))
                    .remoteAddr("198.51.100." + i));
        }
        assertEquals(
                429,
                auth.call(AuthFixture.jsonRequest("POST", "/auth/login", credentials("bob", "correct horse"))
                                .remoteAddr("198.51.100.200"))
                        .status());

        assertEquals(
                200, auth.post("/login", credentials("bob", "correct horse")).status());
    }

    @Test
    void handleWhenRefreshThenRotatedAndOldTokenWithinGraceGetsSameSuccessor() {
        Answer login = auth.registerAndLogin("bob");
        String first = login.text("refresh_token");

        Answer refreshed = auth.post("/refresh", "{\"refresh_token\":\"" + first + "\"}");
        auth.clock.advance(Duration.ofSeconds(10));
        Answer raced = auth.post("/refresh", "{\"refresh\":\"" + first + "\"}");

        assertEquals(200, refreshed.status());
        assertNotEquals(first, refreshed.text("refresh_token"));
        assertEquals(200, raced.status());
        assertEquals(refreshed.text("refresh_token"), raced.text("refresh_token"));
        assertEquals(
                200,
                auth.post("/refresh", "{\"refresh_token\":\"" + raced.text("refresh_token") + "\"}")
                        .status());
    }

    @Test
    void handleWhenSpentRefreshTokenAfterGraceThen401AndWholeSessionEnded() {
        Answer login = auth.registerAndLogin("bob");
        String first = login.text("refresh_token");
        Answer refreshed = auth.post("/refresh", "{\"refresh_token\":\"" + first + "\"}");
        auth.clock.advance(Duration.ofSeconds(31));

        Answer reuse = auth.post("/refresh", "{\"refresh_token\":\"" + first + "\"}");

        assertProblem(reuse, 401, "already been used");
        assertTrue(reuse.header("WWW-Authenticate").startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\""));
        assertEquals(
                401,
                auth.post("/refresh", "{\"refresh_token\":\"" + refreshed.text("refresh_token") + "\"}")
                        .status());
        assertEquals(
                401,
                auth.get("/me", "Authorization", bearer(refreshed.text("access_token")))
                        .status());
        assertEquals(
                401,
                auth.get("/me", "Authorization", bearer(login.text("access_token")))
                        .status());
    }

    @Test
    void handleWhenRefreshWithAccessTokenOrGarbageThen401() {
        Answer login = auth.registerAndLogin("bob");

        assertProblem(
                auth.post("/refresh", "{\"refresh_token\":\"" + login.text("access_token") + "\"}"),
                401,
                "not a refresh token");
        assertProblem(
                auth.post("/refresh", "{\"refresh_token\":\"prt_AAAAAAAAAAAAAAAAAAAAAA." + "A".repeat(43) + "\"}"),
                401,
                "not valid");
        assertProblem(auth.post("/refresh", "{}"), 400, "'refresh_token'");
        assertProblem(auth.post("/refresh", "{\"refresh_token\":\"a\",\"refresh\":\"b\"}"), 400, "not both");
    }

    @Test
    void handleWhenSessionIdleLongerThanIdleTimeoutThenRefreshRefused() {
        Answer login = auth.registerAndLogin("bob");
        auth.clock.advance(Duration.ofHours(1));

        assertEquals(
                401,
                auth.post("/refresh", "{\"refresh_token\":\"" + login.text("refresh_token") + "\"}")
                        .status());
    }

    @Test
    void handleWhenRefreshTtlPassedThenRefreshRefusedEvenIfUsed() {
        String refresh = auth.registerAndLogin("bob").text("refresh_token");
        for (int i = 0; i < 2; i++) {
            auth.clock.advance(Duration.ofMinutes(50));
            Answer answer = auth.post("/refresh", "{\"refresh_token\":\"" + refresh + "\"}");
            assertEquals(200, answer.status());
            refresh = answer.text("refresh_token");
        }
        auth.clock.advance(Duration.ofMinutes(21));

        assertEquals(
                401,
                auth.post("/refresh", "{\"refresh_token\":\"" + refresh + "\"}").status());
    }

    @Test
    void handleWhenLogoutThenAccessTokenAndSessionStopWorking() {
        Answer login = auth.registerAndLogin("bob");
        String access = login.text("access_token");

        FakeRequest logout = FakeRequest.of("POST", "/auth/logout").header("Authorization", bearer(access));
        Answer answer = auth.call(logout);

        assertEquals(204, answer.status());
        assertNull(answer.body());
        assertProblem(auth.get("/me", "Authorization", bearer(access)), 401, "revoked");
        assertEquals(
                401,
                auth.post("/refresh", "{\"refresh_token\":\"" + login.text("refresh_token") + "\"}")
                        .status());
    }

    @Test
    void handleWhenLogoutWithRefreshTokenOfAnotherSessionThenBothEnd() {
        Answer first = auth.registerAndLogin("bob");
        Answer second = auth.post("/login", credentials("bob", "correct horse"));

        Answer answer = auth.post(
                "/logout",
                "{\"refresh_token\":\"" + first.text("refresh_token") + "\"}",
                "Authorization",
                bearer(second.text("access_token")));

        assertEquals(204, answer.status());
        assertEquals(
                401,
                auth.post("/refresh", "{\"refresh_token\":\"" + first.text("refresh_token") + "\"}")
                        .status());
        assertEquals(
                401,
                auth.get("/me", "Authorization", bearer(first.text("access_token")))
                        .status());
    }

    @Test
    void handleWhenLogoutAllThenEverySessionEndsAndNewLoginWorks() {
        Answer first = auth.registerAndLogin("bob");
        Answer second = auth.post("/login", credentials("bob", "correct horse"));

        assertEquals(
                204,
                auth.post("/logout-all", "", "Authorization", bearer(first.text("access_token")))
                        .status());

        for (Answer session : List.of(first, second)) {
            assertEquals(
                    401,
                    auth.get("/me", "Authorization", bearer(session.text("access_token")))
                            .status());
            assertEquals(
                    401,
                    auth.post("/refresh", "{\"refresh_token\":\"" + session.text("refresh_token") + "\"}")
                            .status());
        }
        Answer again = auth.post("/login", credentials("bob", "correct horse"));
        assertEquals(
                200,
                auth.get("/me", "Authorization", bearer(again.text("access_token")))
                        .status());
    }

    @Test
    void handleWhenBearerMissingOrWrongThen401WithChallenge() {
        Answer missing = auth.get("/me");
        assertProblem(missing, 401, "Authorization: Bearer");
        assertEquals("Bearer realm=\"portcullis\"", missing.header("WWW-Authenticate"));

        assertEquals(
                "Bearer realm=\"portcullis\"",
                auth.get("/me", "Authorization", "Basic Ym9iOnB3").header("WWW-Authenticate"));
        Answer garbage = auth.get("/me", "Authorization", "Bearer not.a.jwt");
        assertProblem(garbage, 401, "not a well-formed JWT");
        assertEquals(
                "Bearer realm=\"portcullis\", error=\"invalid_token\", "
                        + "error_description=\"The token is not a well-formed JWT.\"",
                garbage.header("WWW-Authenticate"));
        Answer twoTokens = auth.get("/me", "Authorization", "Bearer first second");
        assertProblem(twoTokens, 401, "exactly one Bearer token");
        assertTrue(twoTokens
                .header("WWW-Authenticate")
                .startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\""));
        assertProblem(auth.get("/me", "Authorization", "Bearer "), 401, "credential is empty");
        Answer refreshAsAccess = auth.get(
                "/me", "Authorization", bearer(auth.registerAndLogin("bob").text("refresh_token")));
        assertProblem(refreshAsAccess, 401, "refresh token is not an access token");
    }

    @Test
    void handleWhenAccessTokenExpiredThen401() {
        Answer login = auth.registerAndLogin("bob");
        auth.clock.advance(Duration.ofMinutes(16));

        assertProblem(auth.get("/me", "Authorization", bearer(login.text("access_token"))), 401, "expired");
    }

    @Test
    void handleWhenUnknownSubPathOrWrongMethodThen404Or405() {
        assertProblem(auth.get("/nothing-here"), 404, "No such auth endpoint");
        assertProblem(auth.get(""), 404, "No such auth endpoint");
        Answer wrongMethod = auth.get("/login");
        assertProblem(wrongMethod, 405, "GET");
        assertEquals("POST", wrongMethod.header("Allow"));
        Answer meByPost = auth.post("/me", "{}");
        assertEquals(405, meByPost.status());
        assertEquals("GET, HEAD", meByPost.header("Allow"));
        assertEquals("DELETE", auth.get("/api-keys/abc").header("Allow"));
    }

    @Test
    void handleWhenStoreUnavailableThen503WithRetryAfter() {
        UserStore users = mock(UserStore.class);
        when(users.findByUsername(any()))
                .thenReturn(CompletableFuture.failedFuture(new StoreUnavailableException("down")));
        AuthEndpoint endpoint = new AuthEndpoint(
                auth.config.auth(),
                new StoredCredentials(users, auth.hasher),
                users,
                auth.hasher,
                null,
                null,
                new LoginThrottle(
                        auth.stores.loginAttempts(), auth.config.auth().limits().login()),
                new TokenEndpoints(auth.config.auth(), null, null, null),
                new ApiKeyEndpoints(auth.stores.apiKeys(), auth.config.auth().apiKeys(), auth.clock),
                auth.stores.rateLimiter(auth.config.rateLimits().algorithm()),
                HashQueue.of(1));
        FakeResponse response = FakeResponse.create();

        try {
            endpoint.handle(
                    AuthFixture.jsonRequest("POST", "/auth/login", credentials("bob", "correct horse")), response);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }

        assertEquals(503, response.getStatus());
        assertEquals("1", response.getHeader("Retry-After"));
    }

    @Test
    void createWhenDemoThenAliceCanLogIn() {
        AuthFixture demo = new AuthFixture("gateway: { demo: true }\n" + AuthFixture.CONFIG);

        Answer login = demo.post("/login", credentials("alice", "password123"));

        assertEquals(200, login.status());
        Answer me = demo.get("/me", "Authorization", bearer(login.text("access_token")));
        assertEquals(
                "[\"user\",\"orders\",\"inventory\"]", me.body().path("roles").toString());
    }

    @Test
    void createWhenDemoAndRedisDownThenStartsWithoutAliceAndLoginAnswers503() {
        // Nothing listens on port 1: the Redis stores fail at once (their breaker starts open).
        io.portcullis.config.GatewayConfig demo = new io.portcullis.config.ConfigLoader()
                .parse(
                        "demo.yaml",
                        new java.io.ByteArrayInputStream(
                                ("gateway: { demo: true }\nredis: { uri: \"redis://127.0.0.1:1\" }\n"
                                                + AuthFixture.CONFIG)
                                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                        java.nio.file.Path.of("."));
        AuthFixture fixture = new AuthFixture();
        try (io.portcullis.store.Stores down = io.portcullis.store.Stores.create(demo, fixture.clock)) {
            AuthEndpoint endpoint = AuthEndpoint.create(
                    demo, fixture.keys, down.auth(demo.rateLimits().algorithm()), fixture.clock, fixture.hasher);
            FakeResponse response = FakeResponse.create();

            endpoint.handle(
                    AuthFixture.jsonRequest("POST", "/auth/login", credentials("alice", "password123")), response);

            assertEquals(503, response.getStatus());
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void handleWhenFormBodyOnJsonOnlyEndpointThen400() {
        assertProblem(auth.postForm("/register", Map.of("username", new String[] {"bob"})), 400, "application/json");
    }

    private static Map<String, String[]> form(String... pairs) {
        Map<String, String[]> form = new LinkedHashMap<>();
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            form.put(pairs[i], new String[] {pairs[i + 1]});
        }
        return form;
    }

    private static void assertOAuthError(Answer answer, String error) {
        assertEquals(400, answer.status(), () -> String.valueOf(answer.body()));
        assertEquals("application/json", answer.response().getContentType());
        assertEquals(error, answer.text("error"));
        assertFalse(answer.text("error_description").isEmpty());
        assertEquals("no-store", answer.header("Cache-Control"));
    }

    @Test
    void handleWhenOAuthPasswordGrantFormThenTokenResponse() {
        auth.post("/register", credentials("bob", "correct horse"));

        Answer answer = auth.postForm(
                "/login",
                form(
                        "grant_type",
                        "password",
                        "username",
                        "bob",
                        "password",
                        "correct horse",
                        "scope",
                        "openid",
                        "client_id",
                        "cli"));

        assertEquals(200, answer.status(), () -> String.valueOf(answer.body()));
        assertEquals("Bearer", answer.text("token_type"));
        assertFalse(answer.text("access_token").isEmpty());
        assertTrue(answer.text("refresh_token").startsWith("prt_"));
        assertEquals("no-store", answer.header("Cache-Control"));
    }

    @Test
    void handleWhenOAuthRefreshGrantFormThenRotatedAndSpentOneIsInvalidGrant() {
        String refresh = auth.registerAndLogin("bob").text("refresh_token");

        Answer rotated = auth.postForm("/login", form("grant_type", "refresh_token", "refresh_token", refresh));
        assertEquals(200, rotated.status());
        assertNotEquals(refresh, rotated.text("refresh_token"));
        auth.clock.advance(Duration.ofMinutes(1));

        assertOAuthError(
                auth.postForm("/login", form("grant_type", "refresh_token", "refresh_token", refresh)),
                "invalid_grant");
    }

    @Test
    void handleWhenOAuthFormIsWrongThenRfc6749Errors() {
        auth.post("/register", credentials("bob", "correct horse"));

        assertOAuthError(
                auth.postForm("/login", form("grant_type", "password", "username", "bob", "password", "wrong horse")),
                "invalid_grant");
        assertOAuthError(auth.postForm("/login", form("grant_type", "client_credentials")), "unsupported_grant_type");
        assertOAuthError(
                auth.postForm("/login", form("username", "bob", "password", "correct horse")), "invalid_request");
        assertOAuthError(auth.postForm("/login", form("grant_type", "password", "username", "bob")), "invalid_request");
        assertOAuthError(
                auth.postForm(
                        "/login",
                        form("grant_type", "password", "username", "bob", "password", "correct horse", "extra", "x")),
                "invalid_request");
        assertOAuthError(auth.postForm("/login", form("grant_type", "refresh_token")), "invalid_request");
    }

    @Test
    void handleWhenAuthEndpointsFloodedFromOneAddressThen429WithRateLimitFields() {
        AuthFixture limited = new AuthFixture(AuthFixture.CONFIG.replace(
                "limits:\n    endpoints: { limit: 1000000, window: 1m }",
                "limits:\n    endpoints: { limit: 3, window: 1m }"));
        for (int i = 0; i < 3; i++) {
            Answer answer = limited.post("/verify", "{\"token\":\"x\"}");
            assertEquals(401, answer.status());
            assertEquals("\"auth\";q=3;w=60", answer.header("RateLimit-Policy"));
            assertEquals("\"auth\";r=" + (2 - i) + ";t=60", answer.header("RateLimit"));
        }

        Answer refused = limited.post("/login", credentials("bob", "correct horse"));

        assertProblem(refused, 429, "auth service");
        assertEquals("60", refused.header("Retry-After"));
        assertEquals("\"auth\";r=0;t=60", refused.header("RateLimit"));
        assertEquals(
                401,
                limited.call(AuthFixture.jsonRequest("POST", "/auth/verify", "{\"token\":\"x\"}")
                                .remoteAddr("203.0.113.1"))
                        .status(),
                "another address is not held back");
    }

    @Test
    void handleWhenRegistrationsFromOneAddressExceedTheirLimitThen429() {
        AuthFixture limited = new AuthFixture(AuthFixture.CONFIG.replace(
                "register: { limit: 1000000, window: 1m }", "register: { limit: 2, window: 1h }"));
        assertEquals(
                201,
                limited.post("/register", credentials("bob1", "correct horse")).status());
        assertEquals(
                409,
                limited.post("/register", credentials("bob1", "correct horse")).status());

        Answer refused = limited.post("/register", credentials("bob3", "correct horse"));

        assertProblem(refused, 429, "Too many requests");
        assertEquals("3600", refused.header("Retry-After"));
        assertTrue(refused.header("RateLimit-Policy").contains("\"auth-register\";q=2;w=3600"));
        assertTrue(limited.stores
                .users()
                .findByUsername("bob3")
                .toCompletableFuture()
                .join()
                .isEmpty());
    }

    @Test
    void handleWhenHashQueueFullThen503WithRetryAfterAndAttemptNotCounted() throws Exception {
        HashQueue queue = new HashQueue(1, 0, Duration.ofMillis(10));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> queue.run(() -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        holder.start();
        holding.await();
        try {
            AuthEndpoint endpoint = new AuthEndpoint(
                    auth.config.auth(),
                    new StoredCredentials(auth.stores.users(), auth.hasher),
                    auth.stores.users(),
                    auth.hasher,
                    null,
                    null,
                    new LoginThrottle(
                            auth.stores.loginAttempts(),
                            auth.config.auth().limits().login()),
                    new TokenEndpoints(auth.config.auth(), null, null, null),
                    new ApiKeyEndpoints(
                            auth.stores.apiKeys(), auth.config.auth().apiKeys(), auth.clock),
                    auth.stores.rateLimiter(auth.config.rateLimits().algorithm()),
                    queue);
            for (int i = 0; i < 10; i++) {
                for (String path : List.of("/auth/login", "/auth/register")) {
                    FakeResponse response = FakeResponse.create();
                    endpoint.handle(
                            AuthFixture.jsonRequest("POST", path, credentials("bob", "correct horse")), response);
                    assertEquals(503, response.getStatus());
                    assertEquals(HashQueue.RETRY_AFTER_SECONDS, response.getHeader("Retry-After"));
                    assertEquals("application/problem+json", response.getContentType());
                }
            }
        } finally {
            release.countDown();
            holder.join();
        }
        assertTrue(auth.stores
                .users()
                .findByUsername("bob")
                .toCompletableFuture()
                .join()
                .isEmpty());
        auth.post("/register", credentials("bob", "correct horse"));
        assertEquals(
                200,
                auth.post("/login", credentials("bob", "correct horse")).status(),
                "turned-away attempts were not counted against bob");
    }
}
