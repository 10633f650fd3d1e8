package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Edge integrity (docs/edge.md) on every node, through real HTTP to the real upstream "a": identity headers in
 * other spellings never reach the upstream, the client address comes from {@code X-Forwarded-For} only, the
 * discovery document never names the request's {@code Host}, and every request body is limited, typed and
 * inspected. The tests' own requests come from 127.0.0.1, a trusted proxy in the IT configuration.
 */
@GatewayIT
class EdgeIT {
    private static final int MIB = 1024 * 1024;
    /** Names, folded (lower case, {@code _} as {@code -}), that no client may send an upstream. */
    private static final List<String> PROTECTED_PREFIXES =
            List.of("x-user-", "x-client-", "x-auth-", "x-consumer-", "x-authenticated-");

    private static final Set<String> PROTECTED_NAMES = Set.of(
            "x-forwarded-user",
            "remote-user",
            "x-original-url",
            "x-rewrite-url",
            "forwarded",
            "x-forwarded-prefix",
            "x-forwarded-port",
            "x-forwarded-ssl",
            "x-real-ip",
            "true-client-ip");
    private static final AtomicInteger ADDRESSES =
            new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 16));

    private static String unique(String prefix) {
        return prefix + "/" + UUID.randomUUID();
    }

    /** A client address of its own per call (198.18.0.0/15, the benchmarking range): a fresh rate-limit bucket. */
    private static String freshAddress() {
        int n = ADDRESSES.incrementAndGet() & 0x1FFFF;
        return "198." + (18 + (n >> 16)) + "." + ((n >> 8) & 0xFF) + "." + (n & 0xFF);
    }

    private static String fold(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @OnEachNode
    void proxyWhenIdentityHeadersInOtherSpellingsThenNoneReachesTheUpstream(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(
                node,
                "/api/edge/whoami",
                "X_User_Id",
                "admin",
                "x_user_roles",
                "admin",
                "X-USER_ID",
                "admin",
                "X_Client_Id",
                "partner-a",
                "X_Auth_Method",
                "jwt",
                "X-Consumer-Id",
                "admin",
                "X-Consumer-Username",
                "admin",
                "X-Authenticated-Userid",
                "admin",
                "X-Authenticated-Scope",
                "admin",
                "X-Forwarded-User",
                "admin",
                "Remote-User",
                "admin",
                "Remote_User",
                "admin",
                "X-Original-URL",
                "/admin",
                "X-Rewrite-URL",
                "/admin",
                "X-Forwarded-Prefix",
                "/admin",
                "X-Forwarded-Port",
                "443",
                "X-Forwarded-Ssl",
                "on",
                "X-Real-IP",
                "10.0.0.1",
                "True-Client-IP",
                "10.0.0.1",
                "X-Custom_Header",
                "x",
                "X-Kept",
                "yes");

        assertEquals(200, response.statusCode());
        JsonNode headers = Http.json(response).path("headers");
        List<String> leaked = new ArrayList<>();
        for (Iterator<String> names = headers.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String folded = fold(name);
            boolean identity = PROTECTED_NAMES.contains(folded)
                    || PROTECTED_PREFIXES.stream().anyMatch(folded::startsWith);
            boolean gatewayOwn = folded.equals("x-auth-method")
                    && headers.path(name).get(0).asText().equals("anonymous");
            if (name.indexOf('_') >= 0 || (identity && !gatewayOwn)) {
                leaked.add(name + ": " + headers.path(name));
            }
        }
        assertEquals(List.of(), leaked, "identity headers reached the upstream");
        assertEquals("anonymous", Http.upstreamHeader(Http.json(response), "X-Auth-Method"));
        assertEquals("yes", Http.upstreamHeader(Http.json(response), "X-Kept"), "an ordinary header was dropped");
    }

    @OnEachNode
    void limitedWhenTrustedProxyPassesRotatingForwardedThenOneBucket(GatewayNode node) {
        // What nginx or a cloud load balancer does: append the peer to X-Forwarded-For, pass the client's
        // own Forwarded through untouched. The client must not get a fresh bucket per Forwarded value.
        String client = freshAddress();
        int passed = 0;
        for (int i = 0; i < 12; i++) {
            HttpResponse<byte[]> response =
                    Http.get(node, "/burst/x", "X-Forwarded-For", client, "Forwarded", "for=" + freshAddress());
            if (response.statusCode() == 200) {
                passed++;
            } else {
                assertEquals(429, response.statusCode());
            }
        }
        assertEquals(10, passed, "a limit of 10 per client let " + passed + " of 12 requests through");
    }

    @OnEachNode
    void loginWhenTrustedProxyPassesRotatingForwardedThenOneThrottleSlot(GatewayNode node) {
        // Failed logins are counted per username and client address (5 free attempts in the IT configuration):
        // rotating Forwarded must not make each attempt come from a new address.
        String client = freshAddress();
        String credentials = "{\"username\":\"" + UUID.randomUUID() + "\",\"password\":\"wrong password\"}";
        int refusedAt = -1;
        for (int i = 0; i < 40 && refusedAt < 0; i++) {
            HttpResponse<byte[]> response = Http.send(Http.request(node, "/auth/login")
                    .header("Content-Type", "application/json")
                    .header("X-Forwarded-For", client)
                    .header("Forwarded", "for=" + freshAddress())
                    .POST(HttpRequest.BodyPublishers.ofString(credentials))
                    .build());
            if (response.statusCode() == 429) {
                refusedAt = i;
            } else {
                assertEquals(401, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
            }
        }
        assertTrue(
                refusedAt > 0 && refusedAt <= 5,
                "failed logins from one client address throttled at attempt " + refusedAt);
    }

    @OnEachNode
    void proxyWhenTrustedProxyPassesClientForwardedThenAddressHostAndProtoIgnoredAndRemoved(GatewayNode node) {
        String client = freshAddress();
        HttpResponse<byte[]> response = Http.get(
                node,
                "/api/edge/forwarded",
                "X-Forwarded-For",
                client,
                "Forwarded",
                "for=192.0.2.66;host=evil.example;proto=https");

        JsonNode echo = Http.json(response);
        assertEquals(client + ", 127.0.0.1", Http.upstreamHeader(echo, "X-Forwarded-For"));
        assertEquals(node.authority(), Http.upstreamHeader(echo, "X-Forwarded-Host"));
        assertEquals("http", Http.upstreamHeader(echo, "X-Forwarded-Proto"));
        assertNull(Http.upstreamHeader(echo, "Forwarded"));
    }

    @OnEachNode
    void discoveryWhenHostOrForwardedHostIsForeignThenUrlsComeFromConfig(GatewayNode node) {
        for (String extra : List.of(
                "",
                "X-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\n",
                "Forwarded: for=192.0.2.1;host=evil.example;proto=https\r\n")) {
            String request = "GET /.well-known/openid-configuration HTTP/1.1\r\nHost: evil.example\r\n" + extra
                    + "Connection: close\r\n\r\n";
            Http.RawResponse response = Http.raw(
                    InetAddress.getLoopbackAddress(),
                    node,
                    request.getBytes(StandardCharsets.ISO_8859_1),
                    Http.TIMEOUT);

            assertEquals(200, response.status());
            String body = new String(response.body(), StandardCharsets.UTF_8);
            assertFalse(body.contains("evil.example"), body);
            JsonNode metadata = Http.json(response.body());
            assertEquals(
                    "https://gateway.it.example/.well-known/jwks.json",
                    metadata.path("jwks_uri").asText());
            assertTrue(
                    metadata.path("token_endpoint").asText().startsWith("https://gateway.it.example/auth/"),
                    metadata.toString());
        }
    }

    @OnEachNode
    void proxyWhenBodyOfUnlistedTypeOverMaxBodyWithLengthThen413AndNothingUpstream(GatewayNode node) {
        String path = unique("/api/edge/big");
        HttpResponse<byte[]> response = Http.send(Http.request(node, path)
                .header("Content-Type", "application/x-json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2 * MIB]))
                .build());

        Http.assertProblem(response, 413, "Payload Too Large");
        assertFalse(Upstreams.a().saw(path), "the oversized body's request reached the upstream");
    }

    @OnEachNode
    void proxyWhenChunkedBodyOfUnlistedTypeThen415AndNothingUpstream(GatewayNode node) {
        String path = unique("/api/edge/x-json");
        byte[] body = "{\"q\":\"1' UNION SELECT password FROM users--\"}".getBytes(StandardCharsets.UTF_8);
        HttpResponse<byte[]> response = Http.send(Http.request(node, path)
                .header("Content-Type", "application/x-json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)))
                .build());

        Http.assertProblem(response, 415, "Unsupported Media Type");
        assertFalse(Upstreams.a().saw(path));
    }

    @OnEachNode
    void proxyWhenOctetStreamOnRouteWithoutItThen415(GatewayNode node) {
        String path = unique("/api/edge/octets");
        HttpResponse<byte[]> response = Http.send(Http.request(node, path)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[16]))
                .build());

        Http.assertProblem(response, 415, "Unsupported Media Type");
        assertFalse(Upstreams.a().saw(path));
    }

    @OnEachNode
    void proxyWhenTwoContentTypesThen400AndNothingUpstream(GatewayNode node) {
        String path = unique("/api/edge/two-types");
        byte[] body = "{\"a\":\"<script>alert(1)</script>\"}".getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + node.authority() + "\r\nConnection: close\r\n"
                + "Content-Type: application/x-foo\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        Http.RawResponse response = Http.raw(InetAddress.getLoopbackAddress(), node, concat(head, body), Http.TIMEOUT);

        assertEquals(400, response.status(), new String(response.body(), StandardCharsets.UTF_8));
        assertTrue(response.headers().getOrDefault("content-type", "").startsWith("application/problem+json"));
        assertFalse(Upstreams.a().saw(path));
    }

    @OnEachNode
    void proxyWhenBase64MultipartPartHoldsAnAttackThen403(GatewayNode node) {
        String attack = "<script>alert(document.cookie)</script>";
        String path = unique("/api/edge/upload");
        String body = "--b0undary\r\nContent-Disposition: form-data; name=\"comment\"\r\n"
                + "Content-Transfer-Encoding: base64\r\n\r\n"
                + Base64.getMimeEncoder().encodeToString(attack.getBytes(StandardCharsets.UTF_8))
                + "\r\n--b0undary--\r\n";
        HttpResponse<byte[]> response = Http.send(Http.request(node, path)
                .header("Content-Type", "multipart/form-data; boundary=b0undary")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build());

        Http.assertProblem(response, 403, "Request blocked");
        assertFalse(Upstreams.a().saw(path));
    }

    @OnEachNode
    void proxyWhenAllowedBodyWithinLimitThenForwardedWhole(GatewayNode node) {
        String json = "{\"name\":\"O'Brien\",\"note\":\"fine\"}";
        HttpResponse<byte[]> response = Http.send(Http.request(node, unique("/api/edge/json"))
                .header("Content-Type", "application/vnd.example+json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build());

        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(json.length(), Http.json(response).path("body_bytes").asInt());
    }

    @OnEachNode
    void uploadRouteWhenOctetStreamWithinRouteMaxBodyThenStreamedWhole(GatewayNode node) {
        String path = unique("/upload");
        HttpResponse<byte[]> response = Http.send(Http.request(node, path)
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(new byte[3 * MIB])))
                .build());

        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        assertEquals(3 * MIB, Http.json(response).path("body_bytes").asInt());
    }

    @OnEachNode
    void uploadRouteWhenChunkedBodyOverRouteMaxBodyThenCutAndUpstreamNeverGetsItWhole(GatewayNode node) {
        String path = unique("/upload");
        int size = 16 * MIB;
        int status;
        try {
            status = Http.send(Http.request(node, path)
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/octet-stream")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(
                                    () -> new ByteArrayInputStream(new byte[size])))
                            .build())
                    .statusCode();
        } catch (RuntimeException cut) {
            status = -1;
        }
        assertNotEquals(200, status, "a 16 MiB chunked body passed a 12 MB route limit");
        assertTrue(status == 413 || status == -1, "status " + status);
        assertTrue(Upstreams.a().completeBody(path) < 0, "the upstream read an oversized body to its end");
    }

    private static byte[] concat(String head, byte[] body) {
        byte[] h = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }
}
