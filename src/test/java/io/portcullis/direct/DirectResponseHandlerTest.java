package io.portcullis.direct;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.chain.TokenClaims;
import io.portcullis.config.KeyTemplate;
import io.portcullis.config.RouteConfig;
import io.portcullis.config.RouteConfig.DirectConfig;
import io.portcullis.store.InMemoryDirectStore;
import io.portcullis.testsupport.FakeInputStream;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class DirectResponseHandlerTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemoryDirectStore store = new InMemoryDirectStore(100);
    private final DirectResponseHandler handler = new DirectResponseHandler(store);
    private final FakeResponse response = FakeResponse.create();

    private static Route route(String template, List<String> path, boolean writes) {
        RouteConfig config = new RouteConfig(
                "cart",
                "/api/cart",
                List.of(),
                RouteConfig.AuthMode.JWT,
                List.of(),
                Optional.empty(),
                true,
                false,
                RouteConfig.DEFAULT_TIMEOUT,
                false,
                Optional.of(new DirectConfig(KeyTemplate.parse(template), path, writes, 32)));
        return Route.configured(config, (req, res) -> {});
    }

    private static FakeRequest request(String method, String path, String sub, Route route) {
        FakeRequest request = FakeRequest.of(method, path);
        RequestAttributes.ROUTE.set(request, route);
        RequestAttributes.REQUEST_ID.set(request, "r-1");
        if (sub != null) {
            RequestAttributes.TOKEN_CLAIMS.set(request, new TokenClaims(Map.of("sub", sub)));
        }
        return request;
    }

    private FakeRequest get(String sub) {
        return request("GET", "/api/cart", sub, route("cart:{sub}", List.of(), false));
    }

    private static FakeRequest withBody(FakeRequest request, String body) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        doReturn(FakeInputStream.of(bytes)).when(request).getInputStream();
        doReturn((long) bytes.length).when(request).getContentLengthLong();
        return request;
    }

    private JsonNode body() throws Exception {
        return JSON.readTree(response.bodyText());
    }

    @Test
    void handleWhenStringHoldsJsonThenReturnedAsIs() throws Exception {
        store.put("cart:u1", "{\"items\": [1,2]}");

        handler.handle(get("u1"), response);

        assertEquals(200, response.getStatus());
        assertEquals("application/json", response.getContentType());
        assertEquals("no-store", response.getHeader("Cache-Control"));
        assertEquals("{\"items\": [1,2]}", response.bodyText());
    }

    @Test
    void handleWhenPlainStringThenJsonString() throws Exception {
        store.put("cart:u1", "just \"words\"");

        handler.handle(get("u1"), response);

        assertEquals(200, response.getStatus());
        assertEquals("just \"words\"", body().asText());
    }

    @Test
    void handleWhenStringIsJsonFollowedByMoreThenJsonString() throws Exception {
        store.put("cart:u1", "{} trailing");

        handler.handle(get("u1"), response);

        assertEquals("{} trailing", body().asText());
    }

    @Test
    void handleWhenHashThenObjectOfItsFields() throws Exception {
        store.putHash("cart:u1", Map.of("sku", "tea", "qty", "2"));

        handler.handle(get("u1"), response);

        assertEquals(200, response.getStatus());
        assertEquals("tea", body().path("sku").asText());
        assertEquals("2", body().path("qty").asText());
    }

    @Test
    void handleWhenMissingThen404Problem() throws Exception {
        FakeRequest request = get("u1");

        handler.handle(request, response);

        assertEquals(404, response.getStatus());
        assertEquals("application/problem+json", response.getContentType());
        assertEquals("not-found", RequestAttributes.PROBLEM.get(request).orElseThrow());
    }

    @Test
    void handleWhenAnotherCallersKeyExistsThenOnlyTheOwnKeyIsRead() throws Exception {
        store.put("cart:bob", "\"bob's\"");

        handler.handle(get("alice"), response);

        assertEquals(404, response.getStatus());
    }

    @Test
    void handleWhenHeadThenHeadersWithoutBody() throws Exception {
        store.put("cart:u1", "[1]");

        handler.handle(request("HEAD", "/api/cart", "u1", route("cart:{sub}", List.of(), false)), response);

        assertEquals(200, response.getStatus());
        assertEquals("application/json", response.getContentType());
        assertEquals("", response.bodyText());
    }

    @Test
    void handleWhenPostOnReadOnlyRouteThen405WithAllow() throws Exception {
        handler.handle(request("POST", "/api/cart", "u1", route("cart:{sub}", List.of(), false)), response);

        assertEquals(405, response.getStatus());
        assertEquals("GET, HEAD", response.getHeader("Allow"));
    }

    @Test
    void handleWhenPutOnReadOnlyRouteThen405AndNothingStored() throws Exception {
        handler.handle(
                withBody(request("PUT", "/api/cart", "u1", route("cart:{sub}", List.of(), false)), "{}"), response);

        assertEquals(405, response.getStatus());
        assertEquals(
                DirectValue.ABSENT, store.get("cart:u1").toCompletableFuture().join());
    }

    @Test
    void handleWhenPutJsonOnWritableRouteThenStoredAsString() throws Exception {
        Route route = route("n:{sub}:{path.id}", List.of("id"), true);

        handler.handle(withBody(request("PUT", "/api/cart/7", "u1", route), "{\"a\":1}"), response);

        assertEquals(204, response.getStatus());
        assertEquals(
                new DirectValue.Text("{\"a\":1}"),
                store.get("n:u1:7").toCompletableFuture().join());
    }

    @Test
    void handleWhenPutNotJsonThen400() throws Exception {
        Route route = route("cart:{sub}", List.of(), true);

        handler.handle(withBody(request("PUT", "/api/cart", "u1", route), "not json"), response);

        assertEquals(400, response.getStatus());
        assertEquals(
                DirectValue.ABSENT, store.get("cart:u1").toCompletableFuture().join());
    }

    @Test
    void handleWhenPutOverTheBoundThen413() throws Exception {
        Route route = route("cart:{sub}", List.of(), true);

        handler.handle(withBody(request("PUT", "/api/cart", "u1", route), "\"" + "x".repeat(40) + "\""), response);

        assertEquals(413, response.getStatus());
    }

    @Test
    void handleWhenPutBodyLongerThanItsDeclaredLengthThen413() throws Exception {
        Route route = route("cart:{sub}", List.of(), true);
        FakeRequest request = withBody(request("PUT", "/api/cart", "u1", route), "\"" + "x".repeat(40) + "\"");
        doReturn(-1L).when(request).getContentLengthLong();

        handler.handle(request, response);

        assertEquals(413, response.getStatus());
    }

    @Test
    void handleWhenDeleteThen204ThenAbsentIs404() throws Exception {
        Route route = route("cart:{sub}", List.of(), true);
        store.put("cart:u1", "1");

        handler.handle(request("DELETE", "/api/cart", "u1", route), response);
        assertEquals(204, response.getStatus());

        FakeResponse second = FakeResponse.create();
        handler.handle(request("DELETE", "/api/cart", "u1", route), second);
        assertEquals(404, second.getStatus());
    }

    @Test
    void handleWhenWritableRouteGetsPatchThen405ListingWrites() throws Exception {
        handler.handle(request("PATCH", "/api/cart", "u1", route("cart:{sub}", List.of(), true)), response);

        assertEquals(405, response.getStatus());
        assertEquals("GET, HEAD, PUT, DELETE", response.getHeader("Allow"));
    }

    @Test
    void handleWhenPathSegmentsDoNotFitThen404() throws Exception {
        handler.handle(request("GET", "/api/cart", "u1", route("n:{sub}:{path.id}", List.of("id"), false)), response);

        assertEquals(404, response.getStatus());
    }

    @Test
    void handleWhenPathSegmentUnsafeThen400() throws Exception {
        handler.handle(
                request("GET", "/api/cart/a:b", "u1", route("n:{sub}:{path.id}", List.of("id"), false)), response);

        assertEquals(400, response.getStatus());
    }

    @Test
    void handleWhenNoTokenClaimsThen403() throws Exception {
        handler.handle(get(null), response);

        assertEquals(403, response.getStatus());
    }

    @Test
    void handleWhenSubHoldsGlobCharactersThen403AndStoreNotAsked() throws Exception {
        DirectStore refusing = mock(DirectStore.class);

        new DirectResponseHandler(refusing).handle(get("*"), response);

        assertEquals(403, response.getStatus());
        org.mockito.Mockito.verifyNoInteractions(refusing);
    }

    @Test
    void handleWhenStoreUnavailableThen503WithRetryAfter() throws Exception {
        DirectStore down = mock(DirectStore.class);
        when(down.get("cart:u1")).thenReturn(CompletableFuture.failedFuture(new IllegalStateException("down")));

        new DirectResponseHandler(down).handle(get("u1"), response);

        assertEquals(503, response.getStatus());
        assertEquals("1", response.getHeader("Retry-After"));
    }

    @Test
    void handleWhenUnsupportedTypeThen500WithoutTheValue() throws Exception {
        DirectStore lists = mock(DirectStore.class);
        when(lists.get("cart:u1")).thenReturn(CompletableFuture.completedFuture(new DirectValue.Unsupported("list")));

        new DirectResponseHandler(lists).handle(get("u1"), response);

        assertEquals(500, response.getStatus());
        assertTrue(response.bodyText().contains("type this route does not serve"));
    }

    @Test
    void isJsonWhenScalarsAndDocumentsThenTrueElseFalse() {
        assertTrue(DirectResponseHandler.isJson("123"));
        assertTrue(DirectResponseHandler.isJson("\"s\""));
        assertTrue(DirectResponseHandler.isJson(" [1, {\"a\": null}] "));
        assertEquals(false, DirectResponseHandler.isJson("hello"));
        assertEquals(false, DirectResponseHandler.isJson("   "));
        assertEquals(false, DirectResponseHandler.isJson("{\"a\":1,\"a\":2}"));
    }
}
