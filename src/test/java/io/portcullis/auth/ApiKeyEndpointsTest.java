package io.portcullis.auth;

import static io.portcullis.auth.AuthFixture.bearer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyVerifier;
import io.portcullis.auth.AuthFixture.Answer;
import io.portcullis.testsupport.FakeRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeyEndpointsTest {
    private final AuthFixture auth = new AuthFixture("gateway: { demo: true }\n" + AuthFixture.CONFIG);
    private final String alice =
            auth.post("/login", AuthFixture.credentials("alice", "password123")).text("access_token");

    private Answer create(String body) {
        return auth.post("/api-keys", body, "Authorization", bearer(alice));
    }

    @Test
    void createWhenScopesHeldThen201WithKeyShownOnceAndStoredAsHash() {
        Answer answer = create("{\"name\":\"ci\",\"scopes\":[\"orders\"]}");

        assertEquals(201, answer.status());
        String key = answer.text("api_key");
        assertTrue(key.startsWith("pk_") && key.length() == 46, key);
        assertEquals("[\"orders\"]", answer.body().path("scopes").toString());
        ApiKey stored = auth.stores
                .apiKeys()
                .findByHash(ApiKeyVerifier.sha256Hex(key))
                .toCompletableFuture()
                .join()
                .orElseThrow();
        assertEquals(answer.text("id"), stored.id());
        assertEquals("ci", stored.name());
        assertFalse(stored.toString().contains(key));
    }

    @Test
    void createWhenUsageScopeStringThenAccepted() {
        Answer answer = create("{\"usage_scope\":\"orders\"}");

        assertEquals(201, answer.status());
        assertEquals(
                List.of("orders"), List.of(answer.body().path("scopes").get(0).asText()));
    }

    @Test
    void createWhenScopeNotHeldThen403() {
        Answer answer = create("{\"scopes\":[\"admin\"]}");

        assertEquals(403, answer.status());
        assertTrue(answer.text("detail").contains("admin"));
    }

    @Test
    void createWhenBadInputThen400() {
        assertEquals(
                400, create("{\"scopes\":\"orders\",\"usage_scope\":\"user\"}").status());
        assertEquals(400, create("{\"scopes\":[1]}").status());
        assertEquals(400, create("{\"scopes\":[\"has space!\"]}").status());
        assertEquals(400, create("{\"name\":\"" + "n".repeat(65) + "\"}").status());
        assertEquals(400, create("{\"owner\":\"x\"}").status());
    }

    @Test
    void listThenDeleteWhenOwnKeyThen204AndGone() {
        Answer created = create("{\"name\":\"ci\",\"scopes\":[\"orders\"]}");

        Answer listed = auth.get("/api-keys", "Authorization", bearer(alice));
        assertEquals(200, listed.status());
        assertEquals(
                created.text("id"),
                listed.body().path("api_keys").get(0).path("id").asText());
        assertFalse(listed.body().toString().contains(created.text("api_key")));

        Answer deleted = auth.call(FakeRequest.of("DELETE", "/auth/api-keys/" + created.text("id"))
                .header("Authorization", bearer(alice)));
        assertEquals(204, deleted.status());
        assertTrue(auth.stores
                .apiKeys()
                .findByHash(ApiKeyVerifier.sha256Hex(created.text("api_key")))
                .toCompletableFuture()
                .join()
                .isEmpty());
        assertEquals(
                404,
                auth.call(FakeRequest.of("DELETE", "/auth/api-keys/" + created.text("id"))
                                .header("Authorization", bearer(alice)))
                        .status());
    }

    @Test
    void deleteWhenAnotherUsersKeyThen404() {
        String keyId = create("{\"name\":\"ci\"}").text("id");
        String bob = auth.registerAndLogin("bob").text("access_token");

        assertEquals(
                404,
                auth.call(FakeRequest.of("DELETE", "/auth/api-keys/" + keyId).header("Authorization", bearer(bob)))
                        .status());
        assertEquals(
                "{\"api_keys\":[]}",
                auth.get("/api-keys", "Authorization", bearer(bob)).body().toString());
    }

    @Test
    void anyWhenNoBearerThen401() {
        assertEquals(401, auth.post("/api-keys", "{}").status());
        assertEquals(401, auth.get("/api-keys").status());
    }

    @Test
    void createWhenPasswordLoginOlderThanReauthThen401InsufficientUserAuthentication() {
        auth.clock.advance(auth.config.auth().apiKeys().reauth().plusSeconds(1));

        Answer answer = create("{\"scopes\":[\"orders\"]}");

        assertEquals(401, answer.status());
        assertEquals("application/problem+json", answer.response().getContentType());
        assertTrue(
                answer.header("WWW-Authenticate")
                        .startsWith("Bearer realm=\"portcullis\", error=\"insufficient_user_authentication\""),
                answer.header("WWW-Authenticate"));
        assertTrue(auth.stores
                .apiKeys()
                .listByOwner(userId())
                .toCompletableFuture()
                .join()
                .isEmpty());
    }

    @Test
    void createWhenTokenOnlyRefreshedSinceAnOldLoginThen401() {
        Answer login = auth.post("/login", AuthFixture.credentials("alice", "password123"));
        auth.clock.advance(auth.config.auth().apiKeys().reauth().plusSeconds(1));
        Answer refreshed = auth.post("/refresh", "{\"refresh_token\":\"" + login.text("refresh_token") + "\"}");
        assertEquals(200, refreshed.status());

        Answer answer = auth.post("/api-keys", "{}", "Authorization", bearer(refreshed.text("access_token")));

        assertEquals(401, answer.status());
        Answer fresh = auth.post("/login", AuthFixture.credentials("alice", "password123"));
        assertEquals(
                201,
                auth.post("/api-keys", "{}", "Authorization", bearer(fresh.text("access_token")))
                        .status());
    }

    @Test
    void createWhenTokenWithoutAuthTimeThen401() {
        String minted = new TokenIssuer(auth.keys, auth.config.auth(), auth.clock)
                .issue(userId(), "s1", List.of("orders"), List.of("orders"))
                .token();

        assertEquals(
                401,
                auth.post("/api-keys", "{}", "Authorization", bearer(minted)).status());
    }

    @Test
    void createWhenExpiresInThenKeyStopsWorkingThen() {
        Answer answer = create("{\"scopes\":[\"orders\"],\"expires_in\":120}");
        assertEquals(201, answer.status());
        assertEquals(120, answer.body().path("expires_in").asLong());
        String hash = ApiKeyVerifier.sha256Hex(answer.text("api_key"));
        assertTrue(auth.stores
                .apiKeys()
                .findByHash(hash)
                .toCompletableFuture()
                .join()
                .isPresent());

        auth.clock.advance(java.time.Duration.ofSeconds(120));

        assertTrue(auth.stores
                .apiKeys()
                .findByHash(hash)
                .toCompletableFuture()
                .join()
                .isEmpty());
    }

    @Test
    void createWhenNoExpiresInThenMaxLifetime() {
        Answer answer = create("{}");

        assertEquals(
                auth.config.auth().apiKeys().maxLifetime().toSeconds(),
                answer.body().path("expires_in").asLong());
    }

    @Test
    void createWhenExpiresInOutOfRangeThen400() {
        long max = auth.config.auth().apiKeys().maxLifetime().toSeconds();
        assertEquals(400, create("{\"expires_in\":" + (max + 1) + "}").status());
        assertEquals(400, create("{\"expires_in\":0}").status());
        assertEquals(400, create("{\"expires_in\":-5}").status());
        assertEquals(400, create("{\"expires_in\":1e400}").status());
        assertEquals(400, create("{\"expires_in\":\"60\"}").status());
        assertEquals(400, create("{\"expires_in\":9223372036854775808}").status());
    }

    @Test
    void createWhenUserHoldsTheMostKeysThen409() {
        int max = auth.config.auth().apiKeys().maxPerUser();
        for (int i = 0; i < max; i++) {
            assertEquals(201, create("{}").status());
        }

        Answer refused = create("{}");

        assertEquals(409, refused.status());
        assertEquals(
                max,
                auth.stores
                        .apiKeys()
                        .listByOwner(userId())
                        .toCompletableFuture()
                        .join()
                        .size());
    }

    @Test
    void logoutAllWhenRevokeApiKeysThenKeysStopWorkingOtherwiseTheyStay() {
        String kept = ApiKeyVerifier.sha256Hex(create("{}").text("api_key"));
        assertEquals(
                204,
                auth.post("/logout-all", "{}", "Authorization", bearer(alice)).status());
        assertTrue(auth.stores
                .apiKeys()
                .findByHash(kept)
                .toCompletableFuture()
                .join()
                .isPresent());

        String fresh = auth.post("/login", AuthFixture.credentials("alice", "password123"))
                .text("access_token");
        assertEquals(
                204,
                auth.post("/logout-all", "{\"revoke_api_keys\":true}", "Authorization", bearer(fresh))
                        .status());

        assertTrue(auth.stores
                .apiKeys()
                .findByHash(kept)
                .toCompletableFuture()
                .join()
                .isEmpty());
        assertTrue(auth.stores
                .apiKeys()
                .listByOwner(userId())
                .toCompletableFuture()
                .join()
                .isEmpty());
    }

    private String userId() {
        return auth.stores
                .users()
                .findByUsername("alice")
                .toCompletableFuture()
                .join()
                .orElseThrow()
                .id();
    }
}
