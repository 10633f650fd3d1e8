package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

/** Route resolution and target selection, on every node. */
@GatewayIT
class RoutingIT {

    @OnEachNode
    void resolveWhenPrefixesNestThenLongestWins(GatewayNode node) {
        assertEquals("b", server(Http.get(node, "/api/b/items")));
        assertEquals("b", server(Http.get(node, "/api/b")));
        assertEquals("a", server(Http.get(node, "/api/items")));
        assertEquals("a", server(Http.get(node, "/api")));
    }

    @OnEachNode
    void resolveWhenPrefixIsNotASegmentThenShorterRouteWins(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/api/bx/items");

        assertEquals("a", server(response));
        assertEquals("/api/bx/items", Http.json(response).path("path").asText());
    }

    @OnEachNode
    void proxyWhenPathEndsInAServletExtensionThenTheRouteStillAnswers(GatewayNode node) {
        // Found by WafCorpusIT: the containers' own *.jsp mapping used to answer 404 before the route did.
        for (String path : List.of("/api/page.jsp", "/api/page.jspx", "/api/PAGE.JSP")) {
            HttpResponse<byte[]> response = Http.get(node, path);

            assertEquals("a", server(response), path);
            assertEquals(path, Http.json(response).path("path").asText());
        }
    }

    @OnEachNode
    void proxyWhenStripPrefixThenUpstreamBasePathReplacesPrefix(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/strip/items/7?full=true");

        assertEquals(200, response.statusCode());
        assertEquals("/base/items/7", Http.json(response).path("path").asText());
        assertEquals("full=true", Http.json(response).path("query").asText());
    }

    @OnEachNode
    void proxyWhenStripPrefixAndExactPrefixThenBasePath(GatewayNode node) {
        assertEquals("/base", Http.json(Http.get(node, "/strip")).path("path").asText());
        assertEquals("/base/", Http.json(Http.get(node, "/strip/")).path("path").asText());
    }

    @OnEachNode
    void proxyWhenUpstreamListThenRoundRobin(GatewayNode node) {
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            servers.add(server(Http.get(node, "/rr/ping")));
        }

        for (int i = 1; i < servers.size(); i++) {
            assertNotEquals(servers.get(i - 1), servers.get(i), "no rotation: " + servers);
        }
        assertTrue(servers.containsAll(List.of("a", "b")), servers.toString());
    }

    @OnEachNode
    void proxyWhenOneTargetRefusesThenItIsSkipped(GatewayNode node) {
        // The refused target costs at most the one request that discovers it; then it backs off (2 s at
        // first) while the rest of the rotation keeps answering.
        int refused = 0;
        List<String> servers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            HttpResponse<byte[]> response = Http.get(node, "/skip/ping");
            if (response.statusCode() == 502) {
                Http.assertProblem(response, 502, "Bad Gateway");
                refused++;
            } else {
                servers.add(server(response));
            }
        }

        assertTrue(refused <= 1, "the refused target was tried " + refused + " times");
        assertEquals(List.of("a", "a", "a", "a", "a"), servers.subList(servers.size() - 5, servers.size()));
    }

    private static String server(HttpResponse<byte[]> response) {
        assertEquals(200, response.statusCode(), () -> new String(response.body()));
        return Http.json(response).path("server").asText();
    }
}
