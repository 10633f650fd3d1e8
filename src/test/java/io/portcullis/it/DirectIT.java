package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.portcullis.auth.TokenIssuer;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;

/**
 * Direct routes on every node, answered from the shared Redis with data the test writes there as an
 * application would: {@code /cart} ({@code it:cart:{sub}}, read-only) and {@code /notes/{note}}
 * ({@code it:notes:{sub}:{path.note}}, writes allowed, 1 KB bound). A caller only ever reaches keys named
 * by their own token.
 */
@GatewayIT
class DirectIT {
    private static TokenIssuer issuer;

    @BeforeAll
    static void issuer() {
        issuer = ItTokens.issuer(ItTokens.config());
    }

    private record Caller(String id, String token) {}

    private static Caller caller() {
        String id = "u-" + UUID.randomUUID();
        return new Caller(
                id, issuer.issue(id, "s-" + id, List.of("user"), List.of()).token());
    }

    private static void redis(String... command) throws Exception {
        GatewayRedis.redis().command(command);
    }

    private static HttpResponse<byte[]> send(GatewayNode node, String method, String path, Caller caller, String body) {
        HttpRequest.Builder request = Http.request(node, path).header("Authorization", "Bearer " + caller.token());
        request.method(
                method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return Http.send(request.build());
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static void assertJson(HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode(), () -> text(response));
        assertEquals(
                "application/json",
                response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""));
    }

    @OnEachNode
    void getWhenStringHoldsJsonThenReturnedAsIs(GatewayNode node) throws Exception {
        Caller alice = caller();
        redis("SET", "it:cart:" + alice.id(), "{\"items\":[{\"sku\":\"tea\",\"qty\":2}]}");

        HttpResponse<byte[]> response = send(node, "GET", "/cart", alice, null);

        assertJson(response);
        assertEquals("{\"items\":[{\"sku\":\"tea\",\"qty\":2}]}", text(response));
    }

    @OnEachNode
    void getWhenPlainStringThenJsonString(GatewayNode node) throws Exception {
        Caller alice = caller();
        redis("SET", "it:cart:" + alice.id(), "two teas, one mug");

        HttpResponse<byte[]> response = send(node, "GET", "/cart/anything", alice, null);

        assertJson(response);
        assertEquals("two teas, one mug", Http.json(response).asText());
    }

    @OnEachNode
    void getWhenHashThenObjectOfItsFields(GatewayNode node) throws Exception {
        Caller alice = caller();
        redis("HSET", "it:cart:" + alice.id(), "tea", "2", "mug", "1");

        HttpResponse<byte[]> response = send(node, "GET", "/cart", alice, null);

        assertJson(response);
        JsonNode cart = Http.json(response);
        assertEquals("2", cart.path("tea").asText());
        assertEquals("1", cart.path("mug").asText());
    }

    @OnEachNode
    void getWhenMissingThen404Problem(GatewayNode node) {
        Http.assertProblem(send(node, "GET", "/cart", caller(), null), 404, "Not Found");
    }

    @OnEachNode
    void getWhenAnotherUsersKeyExistsThenUnreachable(GatewayNode node) throws Exception {
        Caller alice = caller();
        Caller bob = caller();
        redis("SET", "it:cart:" + alice.id(), "\"alice's cart\"");

        Http.assertProblem(send(node, "GET", "/cart/" + alice.id(), bob, null), 404, "Not Found");
        Http.assertProblem(send(node, "GET", "/notes/" + alice.id(), bob, null), 404, "Not Found");
        assertEquals("\"alice's cart\"", text(send(node, "GET", "/cart", alice, null)));
    }

    @OnEachNode
    void getWhenNoTokenThen401BeforeAnyRead(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/cart");

        Http.assertProblem(response, 401, "Authentication required");
    }

    @OnEachNode
    void headWhenPresentThenHeadersWithoutBody(GatewayNode node) throws Exception {
        Caller alice = caller();
        redis("SET", "it:cart:" + alice.id(), "[1,2,3]");

        HttpResponse<byte[]> response = send(node, "HEAD", "/cart", alice, null);

        assertEquals(200, response.statusCode());
        assertEquals(
                "application/json",
                response.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        assertEquals(0, response.body().length);
    }

    @OnEachNode
    void postWhenReadOnlyThen405WithAllow(GatewayNode node) throws Exception {
        Caller alice = caller();
        HttpResponse<byte[]> response = send(node, "POST", "/cart", alice, "{}");

        Http.assertProblem(response, 405, "Method Not Allowed");
        assertEquals("GET, HEAD", response.headers().firstValue("Allow").orElse(""));
        Http.assertProblem(send(node, "PUT", "/cart", alice, "{}"), 405, "Method Not Allowed");
        Http.assertProblem(send(node, "GET", "/cart", alice, null), 404, "Not Found");
    }

    @OnEachNode
    void putThenGetThenDeleteWhenWritesAllowed(GatewayNode node) throws Exception {
        Caller alice = caller();

        HttpResponse<byte[]> put = send(node, "PUT", "/notes/n1", alice, "{\"text\":\"buy tea\"}");
        assertEquals(204, put.statusCode(), () -> text(put));
        assertEquals("{\"text\":\"buy tea\"}", GatewayRedis.redis().command("GET", "it:notes:" + alice.id() + ":n1"));

        HttpResponse<byte[]> read = send(node, "GET", "/notes/n1", alice, null);
        assertJson(read);
        assertEquals("buy tea", Http.json(read).path("text").asText());
        Http.assertProblem(send(node, "GET", "/notes/n1", caller(), null), 404, "Not Found");

        assertEquals(204, send(node, "DELETE", "/notes/n1", alice, null).statusCode());
        Http.assertProblem(send(node, "GET", "/notes/n1", alice, null), 404, "Not Found");
        Http.assertProblem(send(node, "DELETE", "/notes/n1", alice, null), 404, "Not Found");
    }

    @OnEachNode
    void putWhenNotJsonOrTooLargeOrBadSegmentThenRefusedAndNothingStored(GatewayNode node) throws Exception {
        Caller alice = caller();

        Http.assertProblem(send(node, "PUT", "/notes/n2", alice, "not json"), 400, "Bad Request");
        Http.assertProblem(
                send(node, "PUT", "/notes/n2", alice, "\"" + "x".repeat(2000) + "\""), 413, "Payload Too Large");
        Http.assertProblem(send(node, "PUT", "/notes/a:b", alice, "{}"), 400, "Bad Request");
        Http.assertProblem(send(node, "GET", "/notes/n2", alice, null), 404, "Not Found");
        Http.assertProblem(send(node, "GET", "/notes", alice, null), 404, "Not Found");
        assertFalse(text(send(node, "GET", "/notes/n2", alice, null)).contains("xxx"));
    }

    @OnEachNode
    void getWhenWrittenOnOneNodeThenReadOnEveryNode(GatewayNode node) throws Exception {
        Caller alice = caller();
        assertEquals(
                204,
                send(node, "PUT", "/notes/shared", alice, "[\"from " + node + "\"]")
                        .statusCode());

        for (GatewayNode other : GatewayNode.all()) {
            HttpResponse<byte[]> read = send(other, "GET", "/notes/shared", alice, null);
            assertJson(read);
            assertTrue(text(read).contains("from " + node), text(read));
        }
    }
}
