package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;

/**
 * A hostile client's tricks below the path: request lines and header blocks written by hand over a raw socket,
 * on every node, judged by what the upstream receives. Each request either gets a 4xx from the container or
 * the gateway (never a 5xx) or reaches the upstream with nothing the client should not control.
 */
@GatewayIT
class HostileClientIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private static Http.RawResponse send(GatewayNode node, String request) throws Exception {
        return Http.raw(InetAddress.getLoopbackAddress(), node, request.getBytes(StandardCharsets.ISO_8859_1), TIMEOUT);
    }

    private static String head(GatewayNode node, String requestLine) {
        return requestLine + "\r\nHost: " + node.authority() + "\r\nConnection: close\r\n";
    }

    /** The names of the headers the echo upstream received, lower case, that the client alone could have set. */
    private static List<String> identityHeaders(JsonNode echo) {
        List<String> found = new ArrayList<>();
        for (Iterator<String> names = echo.path("headers").fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String folded = name.replaceAll("[^a-z0-9]", "-");
            boolean gatewayOwn = folded.equals("x-auth-method")
                    && echo.path("headers").path(name).get(0).asText().equals("anonymous");
            if ((folded.startsWith("x-user")
                            || folded.startsWith("x-auth")
                            || folded.startsWith("x-client")
                            || folded.startsWith("remote-user"))
                    && !gatewayOwn) {
                found.add(name + ": " + echo.path("headers").path(name));
            }
        }
        return found;
    }

    @OnEachNode
    void proxyWhenHeaderNamesUseOtherSeparatorsThenNoneReachesTheUpstream(GatewayNode node) throws Exception {
        Http.RawResponse response = send(
                node,
                head(node, "GET /api/hostile/separators HTTP/1.1")
                        + "X.User.Id: admin\r\nX~User~Roles: admin\r\nX+Client+Id: partner-a\r\nRemote.User: admin\r\n"
                        + "X-Kept: yes\r\n\r\n");

        assertEquals(200, response.status(), new String(response.body(), StandardCharsets.UTF_8));
        JsonNode echo = Http.json(response.body());
        assertEquals(List.of(), identityHeaders(echo), "identity headers reached the upstream");
        assertEquals("yes", Http.upstreamHeader(echo, "X-Kept"));
    }

    @OnEachNode
    void proxyWhenMethodOverrideHeadersThenNoneReachesTheUpstream(GatewayNode node) throws Exception {
        Http.RawResponse response = send(
                node,
                head(node, "POST /api/hostile/override HTTP/1.1")
                        + "X-HTTP-Method-Override: TRACE\r\nX-HTTP-Method: DELETE\r\nX-Method-Override: CONNECT\r\n"
                        + "Content-Length: 0\r\n\r\n");

        assertEquals(200, response.status(), new String(response.body(), StandardCharsets.UTF_8));
        JsonNode headers = Http.json(response.body()).path("headers");
        for (String name : List.of("x-http-method-override", "x-http-method", "x-method-override")) {
            assertFalse(headers.has(name), name + " reached the upstream: " + headers);
        }
    }

    @OnEachNode
    void proxyWhenHeaderNameHasWhitespaceOrIsFoldedThenNoIdentityReachesTheUpstream(GatewayNode node) throws Exception {
        for (String block : List.of(
                "X-User-Id : admin\r\n",
                "X-User-Id\t: admin\r\n",
                " X-User-Id: admin\r\n",
                "X-Kept: a\r\n X-User-Id: admin\r\n",
                "X-Kept: a\r\n\tX-User-Id: admin\r\n")) {
            Http.RawResponse response = send(node, head(node, "GET /api/hostile/ws HTTP/1.1") + block + "\r\n");

            assertTrue(response.status() < 500, block + " → " + response.status());
            if (response.status() == 200) {
                assertEquals(List.of(), identityHeaders(Http.json(response.body())), block);
            }
        }
    }

    @OnEachNode
    void routeWhenRequestTargetIsAbsoluteFormThenTheSameRouteApplies(GatewayNode node) throws Exception {
        String authority = "http://" + node.authority();
        Http.RawResponse protectedRoute = send(node, head(node, "GET " + authority + "/jwt/hostile HTTP/1.1") + "\r\n");
        assertEquals(401, protectedRoute.status(), new String(protectedRoute.body(), StandardCharsets.UTF_8));

        Http.RawResponse ambiguous = send(node, head(node, "GET " + authority + "/e/./admin%3B/x HTTP/1.1") + "\r\n");
        assertEquals(400, ambiguous.status());

        Http.RawResponse open = send(node, head(node, "GET " + authority + "/api/hostile/absolute HTTP/1.1") + "\r\n");
        assertEquals(200, open.status());
        assertEquals(
                "/api/hostile/absolute", Http.json(open.body()).path("path").asText());

        // Another authority than Host: both containers refuse the request line before the gateway.
        Http.RawResponse foreign = send(node, head(node, "GET http://evil.example/jwt/hostile HTTP/1.1") + "\r\n");
        assertEquals(400, foreign.status());
    }

    @OnEachNode
    void routeWhenALooserReadingReachesTheProtectedRouteThen400(GatewayNode node) throws Exception {
        // /e is open and /e/admin needs a token; an upstream that matches without case (Express, ASP.NET),
        // drops trailing dots or spaces (IIS) or applies NFKC would serve these from /e/admin.
        for (String path : List.of(
                "/e/ADMIN/x",
                "/e/Admin",
                "/e/admin./x",
                "/e/admin%20/x",
                "/j/ADMIN/x",
                "/e/%EF%BD%81dmin/x",
                "/e/admin%EF%BC%8Fx")) {
            Http.RawResponse response = send(node, head(node, "GET " + path + " HTTP/1.1") + "\r\n");
            assertEquals(400, response.status(), path + ": " + new String(response.body(), StandardCharsets.UTF_8));
        }
        Http.RawResponse sameRoute = send(node, head(node, "GET /api/Hostile/CASE HTTP/1.1") + "\r\n");
        assertEquals(200, sameRoute.status(), "a path whose loose reading stays on its route");
    }

    @OnEachNode
    void proxyWhenQueryOrFragmentIsOddThenNeverA5xx(GatewayNode node) throws Exception {
        for (String target : List.of(
                "/api/hostile/q?a=%zz&b=%",
                "/api/hostile/q?a=%25%",
                "/api/hostile/q?a=|&b={}",
                "/api/hostile/q?a=\"<>\"",
                "/api/hostile/q?x=/../../e/admin",
                "/api/hostile/q#frag",
                "/api/hostile/q?a=b#frag",
                "/api/hostile/q??a",
                "/api/hostile/q?a=%C3%A9&b=%E9",
                "/api/hostile/" + "a/".repeat(2000) + "x")) {
            Http.RawResponse response = send(node, head(node, "GET " + target + " HTTP/1.1") + "\r\n");
            assertTrue(
                    response.status() < 500,
                    target + " → " + response.status() + " " + new String(response.body(), StandardCharsets.UTF_8));
        }
        byte[] latin1 =
                (head(node, "GET /api/hostile/q?a=\u00e9 HTTP/1.1") + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        Http.RawResponse raw = Http.raw(InetAddress.getLoopbackAddress(), node, latin1, TIMEOUT);
        assertTrue(raw.status() < 500, "a raw non-ASCII byte in the query → " + raw.status());
    }

    @OnEachNode
    void requestWhenAsteriskFormOrNoHostThenNeverA5xx(GatewayNode node) throws Exception {
        Http.RawResponse asterisk =
                send(node, "OPTIONS * HTTP/1.1\r\nHost: " + node.authority() + "\r\nConnection: close\r\n\r\n");
        assertTrue(asterisk.status() < 500, "OPTIONS * → " + asterisk.status());

        Http.RawResponse noHost = send(node, "GET /api/hostile/http10 HTTP/1.0\r\n\r\n");
        assertTrue(noHost.status() < 500, "HTTP/1.0 without Host → " + noHost.status());

        Http.RawResponse noHost11 = send(node, "GET /api/hostile/nohost HTTP/1.1\r\nConnection: close\r\n\r\n");
        assertEquals(400, noHost11.status(), "HTTP/1.1 without Host");
    }

    @OnEachNode
    void proxyWhenContentLengthAndChunkedDisagreeThenNothingIsSmuggledPastTheGateway(GatewayNode node)
            throws Exception {
        String hidden = "/jwt/smuggled-" + UUID.randomUUID();
        String smuggled = "GET " + hidden + " HTTP/1.1\r\nHost: " + node.authority() + "\r\n\r\n";
        String body = "0\r\n\r\n" + smuggled;
        for (String framing : List.of(
                "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n",
                "Transfer-Encoding: chunked\r\nContent-Length: 6\r\n",
                "Transfer-Encoding: chunked, identity\r\n",
                "Transfer-Encoding: identity, chunked\r\n",
                "Transfer-Encoding: xchunked\r\nContent-Length: 6\r\n",
                "Transfer-Encoding : chunked\r\nContent-Length: 6\r\n",
                "Content-Length: 6\r\nContent-Length: 60\r\n")) {
            Http.RawResponse response = send(
                    node,
                    head(node, "POST /api/hostile/smuggle HTTP/1.1") + "Content-Type: text/plain\r\n" + framing + "\r\n"
                            + body);

            // 501: a transfer coding the container does not implement (RFC 9112 §6.1), refused before the gateway.
            assertTrue(response.status() < 500 || response.status() == 501, framing + " → " + response.status());
            if (response.status() == 200) {
                JsonNode echo = Http.json(response.body());
                assertFalse(
                        echo.path("headers").has("transfer-encoding")
                                && echo.path("headers").has("content-length"),
                        framing + ": both framings reached the upstream " + echo.path("headers"));
            }
        }
        assertFalse(Upstreams.a().saw(hidden), "a request hidden in a body reached a jwt route's upstream");
    }

    @OnEachNode
    void wafWhenContentTypeIsRespeltThenTheBodyIsStillInspected(GatewayNode node) throws Exception {
        String attack = "{\"q\":\"1' UNION SELECT password FROM users--\"}";
        for (String type : List.of(
                "APPLICATION/JSON",
                "application/json ; charset=\"UTF-8\"",
                "application/json\t",
                "Application/Vnd.Api+Json",
                "text/json",
                "text/plain")) {
            Http.RawResponse response = send(
                    node,
                    head(node, "POST /api/hostile/type HTTP/1.1") + "Content-Type: " + type + "\r\nContent-Length: "
                            + attack.length() + "\r\n\r\n" + attack);
            assertEquals(403, response.status(), type);
        }
        Http.RawResponse onGet = send(
                node,
                head(node, "GET /api/hostile/get-body HTTP/1.1") + "Content-Type: application/json\r\nContent-Length: "
                        + attack.length() + "\r\n\r\n" + attack);
        assertEquals(403, onGet.status(), "a body on GET");
    }

    @OnEachNode
    void wafWhenBodyIsCompressedOnASecondLineThen415(GatewayNode node) throws Exception {
        String path = "/api/hostile/gzip-" + UUID.randomUUID();
        byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        String request = head(node, "POST " + path + " HTTP/1.1") + "Content-Type: application/json\r\n"
                + "Content-Encoding: identity\r\nContent-Encoding: gzip\r\nContent-Length: " + gzip.length + "\r\n\r\n";
        byte[] bytes = new byte[request.length() + gzip.length];
        System.arraycopy(request.getBytes(StandardCharsets.ISO_8859_1), 0, bytes, 0, request.length());
        System.arraycopy(gzip, 0, bytes, request.length(), gzip.length);
        Http.RawResponse response = Http.raw(InetAddress.getLoopbackAddress(), node, bytes, TIMEOUT);

        assertTrue(response.status() == 415 || response.status() == 403, "status " + response.status());
        assertFalse(Upstreams.a().saw(path));
    }

    @OnEachNode
    void wafWhenExpectContinueAnnouncesAnOversizedBodyThen413WithoutWaitingForIt(GatewayNode node) throws Exception {
        // The client sends no body and waits for the final answer, as RFC 9110 §10.1.1 allows it to.
        String path = "/api/hostile/expect-" + UUID.randomUUID();
        String request = head(node, "POST " + path + " HTTP/1.1")
                + "Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 104857600\r\n\r\n";
        String received;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), node.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream in = new ByteArrayOutputStream();
            byte[] buffer = new byte[8192];
            try {
                for (int n; in.size() < 65_536 && (n = socket.getInputStream().read(buffer)) >= 0; ) {
                    in.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException e) {
                // what arrived is judged below
            }
            received = in.toString(StandardCharsets.ISO_8859_1);
        }
        // A container may send "100 Continue" on its own (Tomcat does by default); the final answer follows it.
        String finalHead = received.replaceAll("(?s)^(HTTP/1\\.1 1\\d\\d[^\\r]*\\r\\n(?:[^\\r]+\\r\\n)*\\r\\n)+", "");
        assertTrue(finalHead.startsWith("HTTP/1.1 413"), "no final 413 within 10 s: " + received);
        assertFalse(Upstreams.a().saw(path));
    }
}
