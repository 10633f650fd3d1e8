package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * CORS at the edge (docs/cors.md) on every node, over real HTTP, with the IT configuration's routes {@code /cors}
 * (its own policy: two origins, credentials, a limit of 2 per minute) and {@code /cors-jwt} (the same policy on
 * a JWT route). Preflights are answered by the gateway, never proxied and never counted; answers to an allowed
 * origin carry the allow headers, problems included; the upstream cannot widen the policy.
 */
@GatewayIT
class CorsIT {
    private static final String APP = "https://app.example.com";

    private static String freshAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "10." + random.nextInt(256) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
    }

    private static HttpResponse<byte[]> preflight(
            GatewayNode node, String path, String origin, String method, String headers, String address) {
        HttpRequest.Builder request = Http.request(node, path)
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", origin)
                .header("Access-Control-Request-Method", method)
                .header("X-Forwarded-For", address);
        if (headers != null) {
            request.header("Access-Control-Request-Headers", headers);
        }
        return Http.send(request.build());
    }

    private static HttpResponse<byte[]> get(GatewayNode node, String path, String origin, String address) {
        return Http.get(node, path, "Origin", origin, "X-Forwarded-For", address);
    }

    private static String header(HttpResponse<byte[]> response, String name) {
        return response.headers().firstValue(name).orElse(null);
    }

    @OnEachNode
    void preflightWhenAllowedThen204AtTheEdgeNeverProxiedNorCounted(GatewayNode node) {
        String address = freshAddress();
        for (int i = 0; i < 5; i++) {
            String path = "/cors/preflight-" + UUID.randomUUID();
            HttpResponse<byte[]> response = preflight(node, path, APP, "PUT", "Authorization, Content-Type", address);

            assertEquals(204, response.statusCode());
            assertEquals(APP, header(response, "Access-Control-Allow-Origin"));
            assertEquals("GET, POST, PUT", header(response, "Access-Control-Allow-Methods"));
            assertEquals("authorization, content-type", header(response, "Access-Control-Allow-Headers"));
            assertEquals("true", header(response, "Access-Control-Allow-Credentials"));
            assertEquals("600", header(response, "Access-Control-Max-Age"));
            assertTrue(header(response, "Vary").contains("Origin"), header(response, "Vary"));
            assertEquals(0, response.body().length);
            assertFalse(Upstreams.a().saw(path), "a preflight reached the upstream");
        }
        // Five preflights spent nothing of the route's 2 per minute: both calls pass, the third is the 429,
        // and the page can read that 429 (the allow headers are on it).
        assertEquals(200, get(node, "/cors/after-preflights", APP, address).statusCode());
        assertEquals(200, get(node, "/cors/after-preflights", APP, address).statusCode());
        HttpResponse<byte[]> limited = get(node, "/cors/after-preflights", APP, address);
        Http.assertProblem(limited, 429, "Too Many Requests");
        assertEquals(APP, header(limited, "Access-Control-Allow-Origin"));
        assertTrue(header(limited, "Access-Control-Expose-Headers").contains("RateLimit"));
    }

    @OnEachNode
    void preflightWhenOriginMethodOrHeaderNotAllowedThen403WithoutAllowHeaders(GatewayNode node) {
        String address = freshAddress();
        List<String[]> refused = List.of(
                new String[] {"https://evil.example", "GET", null},
                new String[] {"https://evil-example.net", "GET", null},
                new String[] {"https://example.net.evil.com", "GET", null},
                new String[] {"https://example.net", "GET", null},
                new String[] {"http://app.example.com", "GET", null},
                new String[] {"https://app.example.com/", "GET", null},
                new String[] {"null", "GET", null},
                new String[] {APP, "DELETE", null},
                new String[] {APP, "GET", "authorization, x-admin"});
        for (String[] attempt : refused) {
            String path = "/cors/refused-" + UUID.randomUUID();
            HttpResponse<byte[]> response = preflight(node, path, attempt[0], attempt[1], attempt[2], address);

            Http.assertProblem(response, 403, "Cross-origin request refused");
            assertEquals(null, header(response, "Access-Control-Allow-Origin"), String.join(" ", attempt));
            assertEquals(null, header(response, "Access-Control-Allow-Methods"));
            assertTrue(header(response, "Vary").contains("Origin"));
            assertFalse(Upstreams.a().saw(path));
        }
    }

    @OnEachNode
    void requestWhenOriginAllowedThenAllowHeadersAndTheUpstreamCannotWidenThePolicy(GatewayNode node) {
        String path = "/cors/widen-" + UUID.randomUUID();
        HttpResponse<byte[]> response = get(node, path, "https://shop.example.net", freshAddress());

        assertEquals(200, response.statusCode());
        assertTrue(Upstreams.a().saw(path));
        assertEquals(List.of("https://shop.example.net"), response.headers().allValues("Access-Control-Allow-Origin"));
        assertEquals(List.of("true"), response.headers().allValues("Access-Control-Allow-Credentials"));
        assertEquals("X-Upstream, RateLimit", header(response, "Access-Control-Expose-Headers"));
        assertEquals(List.of(), response.headers().allValues("Access-Control-Allow-Methods"));
        assertEquals(List.of(), response.headers().allValues("Access-Control-Allow-Headers"));
        String vary = String.join(",", response.headers().allValues("Vary"));
        assertTrue(vary.contains("Origin") && vary.contains("Accept-Encoding"), vary);
        assertEquals("a", header(response, "X-Upstream"));
    }

    @OnEachNode
    void requestWhenNoOriginThenVaryOnlyAndUpstreamCorsHeadersStillDropped(GatewayNode node) {
        HttpResponse<byte[]> response =
                Http.get(node, "/cors/widen-plain-" + UUID.randomUUID(), "X-Forwarded-For", freshAddress());

        assertEquals(200, response.statusCode());
        assertEquals(List.of(), response.headers().allValues("Access-Control-Allow-Origin"));
        assertTrue(String.join(",", response.headers().allValues("Vary")).contains("Origin"));
    }

    @OnEachNode
    void requestWhenOriginNotAllowedThen403AndTheUpstreamSeesNothing(GatewayNode node) {
        for (String origin : List.of("https://evil-example.net", "https://app.example.com.evil.net", "null")) {
            String path = "/cors/evil-" + UUID.randomUUID();
            HttpResponse<byte[]> response = Http.send(Http.request(node, path)
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .header("Content-Type", "application/json")
                    .header("Origin", origin)
                    .header("X-Forwarded-For", freshAddress())
                    .build());

            Http.assertProblem(response, 403, "Cross-origin request refused");
            assertEquals(null, header(response, "Access-Control-Allow-Origin"));
            assertFalse(Upstreams.a().saw(path), origin);
        }
    }

    @OnEachNode
    void jwtRouteWhenPreflightThen204WithoutTokenAndWhenNoTokenThen401ReadableByThePage(GatewayNode node) {
        String path = "/cors-jwt/x-" + UUID.randomUUID();
        HttpResponse<byte[]> preflight = preflight(node, path, APP, "GET", "authorization", freshAddress());
        assertEquals(204, preflight.statusCode());
        assertEquals(APP, header(preflight, "Access-Control-Allow-Origin"));

        HttpResponse<byte[]> unauthorised = get(node, path, APP, freshAddress());
        Http.assertProblem(unauthorised, 401, "Authentication required");
        assertEquals(APP, header(unauthorised, "Access-Control-Allow-Origin"));
        assertEquals("true", header(unauthorised, "Access-Control-Allow-Credentials"));
        assertFalse(Upstreams.a().saw(path));
    }

    @OnEachNode
    void requestWhenTheWafBlocksItThen403ReadableByThePageAndAPreflightWithTheSamePathIsNotInspected(GatewayNode node) {
        String path = "/cors/waf-" + UUID.randomUUID();
        String attack = path + "?q=%3Cscript%3Ealert(document.cookie)%3C%2Fscript%3E";
        HttpResponse<byte[]> blocked = get(node, attack, APP, freshAddress());
        Http.assertProblem(blocked, 403, "Request blocked");
        assertEquals(APP, header(blocked, "Access-Control-Allow-Origin"));
        assertFalse(Upstreams.a().saw(path));

        // A preflight carries no body and is answered before the WAF: it neither reaches nor alarms the upstream.
        HttpResponse<byte[]> preflight = preflight(node, attack, APP, "GET", null, freshAddress());
        assertEquals(204, preflight.statusCode());
        assertFalse(Upstreams.a().saw(path));
    }

    @OnEachNode
    void authServiceWhenPreflightFromTheDefaultOriginThen204AndFromAnotherThen403(GatewayNode node) {
        String page = "http://127.0.0.1:" + Integer.getInteger("cors.page.port", 0);
        HttpResponse<byte[]> allowed = preflight(node, "/auth/login", page, "POST", "content-type", freshAddress());
        assertEquals(204, allowed.statusCode());
        assertEquals(page, header(allowed, "Access-Control-Allow-Origin"));
        assertEquals(null, header(allowed, "Access-Control-Allow-Credentials"));

        Http.assertProblem(
                preflight(node, "/auth/login", APP, "POST", "content-type", freshAddress()),
                403,
                "Cross-origin request refused");
        // Health is the gateway's own endpoint outside the auth service: no CORS, the OPTIONS is its to answer.
        assertEquals(
                null,
                header(preflight(node, "/health", page, "GET", null, freshAddress()), "Access-Control-Allow-Origin"));
    }
}
