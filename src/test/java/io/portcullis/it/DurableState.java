package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * State a user creates through the gateway's own endpoints, all of it kept in Redis, that must survive
 * a restart of a node or of Redis: a user, a live session, a logged-out session (its access and refresh
 * tokens revoked), a token revoked through RFC 7009, a live API key and a deleted one. Not thread-safe:
 * {@link #assertSurvived} spends the live refresh token and keeps its successor.
 */
final class DurableState {
    private static final String PASSWORD = "correct horse battery";

    private final String username;
    private final String access;
    private String refresh;
    private final String loggedOutAccess;
    private final String loggedOutRefresh;
    private final String revokedAccess;
    private final String apiKey;
    private final String deletedApiKey;

    private DurableState(
            String username,
            String access,
            String refresh,
            String loggedOutAccess,
            String loggedOutRefresh,
            String revokedAccess,
            String apiKey,
            String deletedApiKey) {
        this.username = username;
        this.access = access;
        this.refresh = refresh;
        this.loggedOutAccess = loggedOutAccess;
        this.loggedOutRefresh = loggedOutRefresh;
        this.revokedAccess = revokedAccess;
        this.apiKey = apiKey;
        this.deletedApiKey = deletedApiKey;
    }

    /** Creates the state through {@code node}'s endpoints and checks that each part took effect there. */
    static DurableState create(GatewayNode node) {
        String username = AuthIT.unique("durable");
        assertEquals(
                201,
                AuthIT.post(node, "/register", AuthIT.credentials(username, PASSWORD))
                        .statusCode());
        JsonNode live = login(node, username);
        String access = live.path("access_token").asText();

        JsonNode loggedOut = login(node, username);
        assertEquals(
                204,
                AuthIT.post(
                                node,
                                "/logout",
                                AuthIT.field(
                                        "refresh_token",
                                        loggedOut.path("refresh_token").asText()),
                                "Authorization",
                                AuthIT.bearer(loggedOut.path("access_token").asText()))
                        .statusCode());
        String revoked = login(node, username).path("access_token").asText();
        assertEquals(200, AuthIT.form(node, "/revoke", "token=" + revoked).statusCode());

        String apiKey = createKey(node, access);
        JsonNode deleted = Http.json(
                AuthIT.post(node, "/api-keys", "{\"name\":\"deleted\"}", "Authorization", AuthIT.bearer(access)));
        HttpResponse<byte[]> deletion = Http.send(
                Http.request(node, "/auth/api-keys/" + deleted.path("id").asText())
                        .header("Authorization", AuthIT.bearer(access))
                        .DELETE()
                        .build());
        assertEquals(204, deletion.statusCode());

        DurableState state = new DurableState(
                username,
                access,
                live.path("refresh_token").asText(),
                loggedOut.path("access_token").asText(),
                loggedOut.path("refresh_token").asText(),
                revoked,
                apiKey,
                deleted.path("api_key").asText());
        state.assertRevocationsHold(node);
        return state;
    }

    /** The live access token, for traffic that must keep passing. */
    String access() {
        return access;
    }

    /** A revoked access token, for traffic that must keep being refused. */
    String revokedAccess() {
        return revokedAccess;
    }

    /** The live API key. */
    String apiKey() {
        return apiKey;
    }

    /** Every part is still there on {@code node}: what was granted works, what was revoked stays refused. */
    void assertSurvived(GatewayNode node) {
        assertRevocationsHold(node);
        assertEquals(
                200,
                Http.get(node, "/jwt/durable", "Authorization", AuthIT.bearer(access))
                        .statusCode(),
                node + ": the live access token");
        assertEquals(200, Http.get(node, "/keyed/durable", "x-api-key", apiKey).statusCode(), node + ": the API key");
        HttpResponse<byte[]> refreshed = AuthIT.post(node, "/refresh", AuthIT.field("refresh_token", refresh));
        assertEquals(
                200,
                refreshed.statusCode(),
                () -> node + ": the session's refresh token: " + new String(refreshed.body(), StandardCharsets.UTF_8));
        refresh = Http.json(refreshed).path("refresh_token").asText();
        login(node, username);
    }

    private void assertRevocationsHold(GatewayNode node) {
        Http.assertProblem(
                Http.get(node, "/jwt/durable", "Authorization", AuthIT.bearer(loggedOutAccess)), 401, "Invalid token");
        Http.assertProblem(
                Http.get(node, "/jwt/durable", "Authorization", AuthIT.bearer(revokedAccess)), 401, "Invalid token");
        Http.assertProblem(
                AuthIT.post(node, "/refresh", AuthIT.field("refresh_token", loggedOutRefresh)), 401, "Invalid token");
        Http.assertProblem(Http.get(node, "/keyed/durable", "x-api-key", deletedApiKey), 401, "Invalid API key");
    }

    private static JsonNode login(GatewayNode node, String username) {
        HttpResponse<byte[]> login = AuthIT.post(node, "/login", AuthIT.credentials(username, PASSWORD));
        assertEquals(
                200, login.statusCode(), () -> node + ": login: " + new String(login.body(), StandardCharsets.UTF_8));
        return Http.json(login);
    }

    private static String createKey(GatewayNode node, String access) {
        HttpResponse<byte[]> created =
                AuthIT.post(node, "/api-keys", "{\"name\":\"durable\"}", "Authorization", AuthIT.bearer(access));
        assertEquals(201, created.statusCode(), () -> new String(created.body(), StandardCharsets.UTF_8));
        return Http.json(created).path("api_key").asText();
    }

    /** A request with a bearer token, for {@link Traffic}. */
    static HttpRequest bearerGet(GatewayNode node, String path, String token) {
        return Http.request(node, path)
                .header("Authorization", AuthIT.bearer(token))
                .GET()
                .build();
    }
}
