package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * What upstreams receive and clients get back (CONTRACT §5), on every node. The nodes trust 127.0.0.1
 * only (see the IT configuration): the tests' ordinary requests come from a trusted proxy, and requests
 * sent from a socket bound to 127.0.0.2 come from an untrusted peer.
 */
@GatewayIT
class HeadersIT {
    private static final String TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    @OnEachNode
    void proxyWhenClientSendsIdentityHeadersThenTheyAreReplaced(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(
                node,
                "/api/whoami",
                "X-User-Id",
                "admin",
                "X-User-Roles",
                "admin",
                "X-Client-Id",
                "partner-a",
                "X-Auth-Method",
                "jwt",
                "X-Auth-Anything",
                "forged",
                "traceparent",
                TRACEPARENT);

        assertEquals(200, response.statusCode());
        JsonNode echo = Http.json(response);
        assertNull(Http.upstreamHeader(echo, "X-User-Id"));
        assertNull(Http.upstreamHeader(echo, "X-User-Roles"));
        assertNull(Http.upstreamHeader(echo, "X-Client-Id"));
        assertNull(Http.upstreamHeader(echo, "X-Auth-Anything"));
        assertEquals("anonymous", Http.upstreamHeader(echo, "X-Auth-Method"));
        assertEquals(TRACEPARENT, Http.upstreamHeader(echo, "traceparent"));
    }

    @OnEachNode
    void proxyWhenForwardingThenHostRewrittenAndNoViaWithHostName(GatewayNode node) throws Exception {
        HttpResponse<byte[]> response = Http.get(node, "/api/host");

        JsonNode echo = Http.json(response);
        assertEquals("127.0.0.1:" + Upstreams.A_PORT, Http.upstreamHeader(echo, "Host"));
        assertEquals(node.authority(), Http.upstreamHeader(echo, "X-Forwarded-Host"));
        assertEquals("http", Http.upstreamHeader(echo, "X-Forwarded-Proto"));
        String hostName = InetAddress.getLocalHost().getHostName();
        String via = Http.upstreamHeader(echo, "Via");
        assertTrue(via == null || !via.contains(hostName), "Via names the host: " + via);
        assertNull(Http.upstreamHeader(echo, "Forwarded"));
        String responseVia = response.headers().firstValue("Via").orElse("");
        assertFalse(responseVia.contains(hostName), "Via names the host: " + responseVia);
    }

    @OnEachNode
    void proxyWhenRequestIdWellFormedThenKeptPassedUpstreamAndEchoed(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/api/ids", "X-Request-Id", "client-id_1.2-3");

        assertEquals(
                "client-id_1.2-3", response.headers().firstValue("X-Request-Id").orElse(null));
        assertEquals(1, response.headers().allValues("X-Request-Id").size(), "the upstream's own id leaked");
        assertEquals("client-id_1.2-3", Http.upstreamHeader(Http.json(response), "X-Request-Id"));
    }

    @OnEachNode
    void proxyWhenRequestIdMalformedThenReplacedEverywhere(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/api/ids", "X-Request-Id", "not/a{valid}id");

        String echoed = response.headers().firstValue("X-Request-Id").orElse("");
        assertNotEquals("not/a{valid}id", echoed);
        assertTrue(echoed.matches("[0-9a-f]{32}"), echoed);
        assertEquals(echoed, Http.upstreamHeader(Http.json(response), "X-Request-Id"));
    }

    @OnEachNode
    void proxyWhenNoRequestIdThenGeneratedAndSentUpstream(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/api/ids");

        String echoed = response.headers().firstValue("X-Request-Id").orElse("");
        assertTrue(echoed.matches("[0-9a-f]{32}"), echoed);
        assertEquals(echoed, Http.upstreamHeader(Http.json(response), "X-Request-Id"));
    }

    @OnEachNode
    void proxyWhenTrustedPeerSendsForwardedForThenRightMostUntrustedHopIsTheClient(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(
                node,
                "/api/xff",
                "X-Forwarded-For",
                "203.0.113.9, 198.51.100.7",
                "X-Forwarded-Proto",
                "https",
                "X-Forwarded-Host",
                "api.example.com");

        JsonNode echo = Http.json(response);
        // 198.51.100.7 is the right-most address the trusted peer vouches for; what it was told
        // before (203.0.113.9) is the client's own claim and is dropped.
        assertEquals("198.51.100.7, 127.0.0.1", Http.upstreamHeader(echo, "X-Forwarded-For"));
        assertEquals("https", Http.upstreamHeader(echo, "X-Forwarded-Proto"));
        assertEquals("api.example.com", Http.upstreamHeader(echo, "X-Forwarded-Host"));
    }

    @OnEachNode
    void proxyWhenUntrustedPeerSendsForwardedForThenReplacedNotAppended(GatewayNode node) throws Exception {
        Http.RawResponse response = Http.rawGet(
                InetAddress.getByName("127.0.0.2"),
                node,
                "/api/xff",
                Map.of(
                        "X-Forwarded-For",
                        "203.0.113.9",
                        "X-Forwarded-Proto",
                        "https",
                        "X-Forwarded-Host",
                        "evil.example.com",
                        "Forwarded",
                        "for=192.0.2.1"));

        assertEquals(200, response.status(), new String(response.body()));
        JsonNode echo = Http.json(response.body());
        assertEquals("127.0.0.2", Http.upstreamHeader(echo, "X-Forwarded-For"));
        assertEquals("http", Http.upstreamHeader(echo, "X-Forwarded-Proto"));
        assertEquals(node.authority(), Http.upstreamHeader(echo, "X-Forwarded-Host"));
        assertNull(Http.upstreamHeader(echo, "Forwarded"));
    }
}
