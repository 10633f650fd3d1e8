package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client identification by API key on every node (CONTRACT §3, §5, §6): anonymous, identified and invalid
 * callers on public and {@code auth: api-key} routes, route scopes, and revocation seen by every node at once.
 */
@GatewayIT
class ApiKeyIT {
    static final String PARTNER_KEY = "it-partner-key-0123456789";
    static final String PLAIN_KEY = "it-plain-key-0123456789";

    @RegisterExtension
    static final IssuedKeys KEYS = new IssuedKeys();

    @OnEachNode
    void publicRouteWhenNoKeyThenForwardedAnonymous(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/api/who");

        assertEquals(200, response.statusCode());
        JsonNode echo = Http.json(response);
        assertEquals("anonymous", Http.upstreamHeader(echo, "X-Auth-Method"));
        assertNull(Http.upstreamHeader(echo, "X-Client-Id"));
    }

    @OnEachNode
    void publicRouteWhenStaticKeyThenForwardedIdentifiedWithoutTheKey(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/api/who", "x-api-key", PARTNER_KEY);

        assertEquals(200, response.statusCode());
        JsonNode echo = Http.json(response);
        assertEquals("api-key", Http.upstreamHeader(echo, "X-Auth-Method"));
        assertEquals("it-partner", Http.upstreamHeader(echo, "X-Client-Id"));
        assertNull(Http.upstreamHeader(echo, "x-api-key"));
    }

    @OnEachNode
    void publicRouteWhenUnknownKeyThen401InvalidApiKey(GatewayNode node) {
        Http.assertProblem(Http.get(node, "/api/who", "x-api-key", "not-a-key"), 401, "Invalid API key");
    }

    @OnEachNode
    void protectedRouteWhenNoKeyThen401ApiKeyRequired(GatewayNode node) {
        Http.assertProblem(Http.get(node, "/keyed/x"), 401, "API key required");
    }

    @OnEachNode
    void protectedRouteWhenUnknownKeyThen401InvalidApiKey(GatewayNode node) {
        Http.assertProblem(Http.get(node, "/keyed/x", "x-api-key", "not-a-key"), 401, "Invalid API key");
    }

    @OnEachNode
    void protectedRouteWhenKnownKeyThenForwarded(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/keyed/x", "X-API-Key", PLAIN_KEY);

        assertEquals(200, response.statusCode());
        assertEquals("it-plain", Http.upstreamHeader(Http.json(response), "X-Client-Id"));
    }

    @OnEachNode
    void scopedRouteWhenKeyLacksTheScopeThen403ElseForwarded(GatewayNode node) {
        Http.assertProblem(Http.get(node, "/scoped/x", "x-api-key", PLAIN_KEY), 403, "Insufficient scope");
        assertEquals(200, Http.get(node, "/scoped/x", "x-api-key", PARTNER_KEY).statusCode());
    }

    @OnEachNode
    void healthWhenUnknownKeyThenStillAnswered(GatewayNode node) {
        assertEquals(200, Http.get(node, "/health", "x-api-key", "not-a-key").statusCode());
    }

    @Test
    void issuedKeyWhenRevokedThenRefusedByEveryNodeAtOnce() {
        IssuedKeys.Issued key = KEYS.issue(List.of("partner"));
        for (GatewayNode node : GatewayNode.all()) {
            HttpResponse<byte[]> response = Http.get(node, "/scoped/x", "x-api-key", key.secret());
            assertEquals(200, response.statusCode(), node.toString());
            assertEquals(key.id(), Http.upstreamHeader(Http.json(response), "X-Client-Id"));
        }

        assertTrue(KEYS.revoke(key));

        for (GatewayNode node : GatewayNode.all()) {
            Http.assertProblem(Http.get(node, "/scoped/x", "x-api-key", key.secret()), 401, "Invalid API key");
            Http.assertProblem(Http.get(node, "/api/x", "x-api-key", key.secret()), 401, "Invalid API key");
        }
    }
}
