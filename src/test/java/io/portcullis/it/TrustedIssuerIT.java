package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * An external issuer (think Keycloak) whose JWKS this test serves on the reserved {@code jwks.port}: RS256
 * and ES256 tokens accepted on every node, the HS256-signed-with-the-public-key attack refused, a key
 * rotation picked up after the 30-second re-fetch interval, last good keys kept while the JWKS server is
 * down, and 503 (not 401) for an issuer whose JWKS cannot be fetched at all. The steps run in order: the
 * nodes' key caches carry over from one to the next.
 */
@GatewayIT
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TrustedIssuerIT {
    private static final int PORT = Integer.getInteger("jwks.port", 0);
    private static final int DOWN_PORT = Integer.getInteger("jwks.down.port", 0);
    private static final String ISSUER = "http://127.0.0.1:" + PORT + "/realms/it";
    /** Configured by {@code issuer} alone: its keys are found through its discovery document. */
    private static final String DISCOVERED = "http://127.0.0.1:" + PORT + "/realms/discovered";
    /** Configured by {@code issuer} alone, but its discovery document names {@link #DISCOVERED}. */
    private static final String LIAR = "http://127.0.0.1:" + PORT + "/realms/liar";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private static final KeyPair RSA_1 = generate("RSA");
    private static final KeyPair RSA_2 = generate("RSA");
    private static final KeyPair EC_1 = generate("EC");
    private static volatile Map<String, KeyPair> published = Map.of("rsa-1", RSA_1, "ec-1", EC_1);
    private static HttpServer jwks;
    private static boolean jwksStopped;
    private static volatile HttpServer slow;

    @BeforeAll
    static void startJwksServer() throws IOException {
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT), 16);
        jwks.createContext("/certs", exchange -> {
            try (exchange) {
                byte[] body = JSON.writeValueAsBytes(Map.of(
                        "keys",
                        published.entrySet().stream()
                                .map(e -> jwk(e.getKey(), e.getValue()))
                                .toList()));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        });
        // Discovery documents: "discovered" names itself and the keys above; "liar" names another issuer.
        for (String realm : List.of("discovered", "liar")) {
            jwks.createContext("/realms/" + realm + "/.well-known/openid-configuration", exchange -> {
                try (exchange) {
                    byte[] body = JSON.writeValueAsBytes(Map.of(
                            "issuer",
                            DISCOVERED,
                            "jwks_uri",
                            "http://127.0.0.1:" + PORT + "/certs",
                            "token_endpoint",
                            DISCOVERED + "/token"));
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
        }
        jwks.start();
    }

    @AfterAll
    static void stopServers() {
        stopJwksServer();
        stopSlowServer();
    }

    static synchronized void stopJwksServer() {
        if (jwks != null && !jwksStopped) {
            jwks.stop(0);
            jwksStopped = true;
        }
    }

    private static KeyPair generate(String type) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            if (type.equals("EC")) {
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                generator.initialize(2048);
            }
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> jwk(String kid, KeyPair pair) {
        if (pair.getPublic() instanceof RSAPublicKey rsa) {
            return Map.of(
                    "kty",
                    "RSA",
                    "kid",
                    kid,
                    "use",
                    "sig",
                    "alg",
                    "RS256",
                    "n",
                    unsigned(rsa.getModulus(), 0),
                    "e",
                    unsigned(rsa.getPublicExponent(), 0));
        }
        ECPublicKey ec = (ECPublicKey) pair.getPublic();
        return Map.of(
                "kty",
                "EC",
                "kid",
                kid,
                "crv",
                "P-256",
                "x",
                unsigned(ec.getW().getAffineX(), 32),
                "y",
                unsigned(ec.getW().getAffineY(), 32));
    }

    private static String unsigned(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (bytes.length < length) {
            byte[] padded = new byte[length];
            System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
            bytes = padded;
        }
        return B64.encodeToString(bytes);
    }

    private static JWTCreator.Builder claims(String issuer, String kid) {
        Instant now = Instant.now();
        return JWT.create()
                .withKeyId(kid)
                .withIssuer(issuer)
                .withSubject("ext-" + kid)
                .withAudience("api")
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(600))
                .withClaim("scope", "orders")
                .withClaim("typ", "Bearer");
    }

    private static Algorithm rs(KeyPair pair) {
        return Algorithm.RSA256((RSAPublicKey) pair.getPublic(), (RSAPrivateKey) pair.getPrivate());
    }

    private static HttpResponse<byte[]> get(GatewayNode node, String path, String token) {
        return Http.get(node, path, "Authorization", "Bearer " + token);
    }

    @Order(1)
    @OnEachNode
    void externalTokenWhenSignedWithPublishedKeyThenAcceptedRs256AndEs256(GatewayNode node) {
        String rsa = claims(ISSUER, "rsa-1").sign(rs(RSA_1));
        HttpResponse<byte[]> response = get(node, "/jwt/ext", rsa);
        assertEquals(200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        // Issuer-qualified: the alias of the issuer's entry, then its sub; no local user can be named this way.
        assertEquals("it-idp:ext-rsa-1", Http.upstreamHeader(Http.json(response), "X-User-Id"));

        String ec = claims(ISSUER, "ec-1")
                .sign(Algorithm.ECDSA256((ECPublicKey) EC_1.getPublic(), (ECPrivateKey) EC_1.getPrivate()));
        assertEquals("it-idp:ext-ec-1", Http.upstreamHeader(Http.json(get(node, "/jwt/ext", ec)), "X-User-Id"));
    }

    @Order(1)
    @OnEachNode
    void discoveredIssuerWhenConfiguredByIssuerAloneThenTokensVerifiedWithTheKeysItsDocumentNames(GatewayNode node) {
        HttpResponse<byte[]> response =
                get(node, "/jwt/discovered", claims(DISCOVERED, "rsa-1").sign(rs(RSA_1)));
        assertEquals(200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("discovered-idp:ext-rsa-1", Http.upstreamHeader(Http.json(response), "X-User-Id"));
    }

    @Order(1)
    @OnEachNode
    void discoveredIssuerWhenItsDocumentNamesAnotherIssuerThenTokensRefused401(GatewayNode node) {
        String path = "/jwt/liar-" + UUID.randomUUID();
        Http.assertProblem(get(node, path, claims(LIAR, "rsa-1").sign(rs(RSA_1))), 401, "Invalid token");
        assertFalse(Upstreams.a().saw(path));
    }

    @Order(2)
    @OnEachNode
    void externalTokenWhenHs256SignedWithTheRsaPublicKeyThenRefused(GatewayNode node) {
        byte[] der = RSA_1.getPublic().getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END PUBLIC KEY-----\n";
        for (byte[] secret : List.of(der, pem.getBytes(StandardCharsets.US_ASCII))) {
            String path = "/jwt/confusion-" + UUID.randomUUID();
            HttpResponse<byte[]> response =
                    get(node, path, claims(ISSUER, "rsa-1").sign(Algorithm.HMAC256(secret)));
            Http.assertProblem(response, 401, "Invalid token");
            assertFalse(Upstreams.a().saw(path));
        }
    }

    @Order(2)
    @OnEachNode
    void externalTokenWhenItIsAnIdTokenThenRefusedUnlessTypedAsAccessToken(GatewayNode node) {
        List<JWTCreator.Builder> idTokens = List.of(
                claims(ISSUER, "rsa-1").withClaim("typ", "ID"),
                claims(ISSUER, "rsa-1").withHeader(Map.of("typ", "JWT")).withClaim("nonce", "n-0S6_WzA2Mj"),
                claims(ISSUER, "rsa-1").withClaim("at_hash", "77QmUPtjPfzWtF2AnpK9RQ"),
                claims(ISSUER, "rsa-1").withClaim("c_hash", "LDktKdoQak3Pk0cnXxCltA"));
        for (JWTCreator.Builder idToken : idTokens) {
            String path = "/jwt/id-token-" + UUID.randomUUID();
            HttpResponse<byte[]> response = get(node, path, idToken.sign(rs(RSA_1)));
            Http.assertProblem(response, 401, "Invalid token");
            assertTrue(response.headers()
                    .firstValue("WWW-Authenticate")
                    .orElse("")
                    .contains("The token is an ID token, not an access token."));
            assertFalse(Upstreams.a().saw(path));
        }
        String typed =
                claims(ISSUER, "rsa-1").withHeader(Map.of("typ", "at+jwt")).sign(rs(RSA_1));
        assertEquals(200, get(node, "/jwt/at-jwt", typed).statusCode());
    }

    @Order(3)
    @Test
    void externalIssuerWhenKeyRotatedThenNewKeyAcceptedWithin30SecondsAndOldOneRefused() throws Exception {
        published = Map.of("rsa-2", RSA_2, "ec-1", EC_1);
        String next = claims(ISSUER, "rsa-2").sign(rs(RSA_2));
        for (GatewayNode node : GatewayNode.all()) {
            long deadline = System.nanoTime() + 45_000_000_000L;
            int status = get(node, "/jwt/rotated", next).statusCode();
            while (status != 200 && System.nanoTime() < deadline) {
                assertEquals(401, status, "an unknown kid inside the re-fetch interval is invalid, not unavailable");
                Thread.sleep(1_000);
                status = get(node, "/jwt/rotated", next).statusCode();
            }
            assertEquals(200, status, node + " never picked up the rotated key");
            Http.assertProblem(get(node, "/jwt/old", claims(ISSUER, "rsa-1").sign(rs(RSA_1))), 401, "Invalid token");
        }
    }

    /**
     * The reserved port of the "down" issuer serves its JWKS slowly: headers at once, then a byte every 200 ms.
     * The node gives the fetch one total deadline (5 s) off the request thread: the unknown-kid request is
     * answered 503 within it, and requests with a cached kid of another issuer are not held meanwhile.
     */
    @Order(4)
    @OnEachNode
    void externalIssuerWhenJwksSlowThenCachedKidsNotDelayedAndUnknownKidAnsweredWithinTheDeadline(GatewayNode node)
            throws Exception {
        startSlowServer();
        String known = claims(ISSUER, "rsa-2").sign(rs(RSA_2));
        String downIssuer = "http://127.0.0.1:" + DOWN_PORT + "/realms/down";
        String path = "/jwt/slow-" + UUID.randomUUID();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        try {
            java.util.concurrent.Future<long[]> unknown = pool.submit(() -> {
                long start = System.nanoTime();
                int status = get(
                                node,
                                path,
                                claims(downIssuer, "k-" + UUID.randomUUID()).sign(rs(RSA_1)))
                        .statusCode();
                return new long[] {status, (System.nanoTime() - start) / 1_000_000};
            });
            Thread.sleep(300);
            long slowest = 0;
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                assertEquals(200, get(node, "/jwt/while-slow", known).statusCode());
                slowest = Math.max(slowest, (System.nanoTime() - start) / 1_000_000);
            }
            assertTrue(slowest < 1_000, "a cached kid waited " + slowest + " ms while another issuer's JWKS was slow");
            long[] answer = unknown.get(40, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(503, answer[0]);
            assertTrue(answer[1] < 7_500, "the unknown kid was answered after " + answer[1] + " ms");
            assertFalse(Upstreams.a().saw(path));
        } finally {
            pool.shutdownNow();
        }
    }

    private static synchronized void startSlowServer() throws IOException {
        if (slow != null) {
            return;
        }
        slow = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), DOWN_PORT), 16);
        slow.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        slow.createContext("/certs", exchange -> {
            try (exchange) {
                exchange.sendResponseHeaders(200, 0);
                OutputStream out = exchange.getResponseBody();
                out.write('{');
                out.flush();
                for (int i = 0; i < 150 && slow != null; i++) {
                    Thread.sleep(200);
                    out.write(' ');
                    out.flush();
                }
            } catch (IOException e) {
                // the gateway gave up on the body, as it should
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        slow.start();
    }

    private static synchronized void stopSlowServer() {
        if (slow != null) {
            HttpServer server = slow;
            slow = null;
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    @Order(5)
    @OnEachNode
    void externalIssuerWhenJwksServerDownThenKnownKeysStillWorkAndUnfetchableIssuerIs503(GatewayNode node) {
        stopJwksServer();
        stopSlowServer();
        assertEquals(
                200,
                get(node, "/jwt/cached", claims(ISSUER, "rsa-2").sign(rs(RSA_2)))
                        .statusCode());

        String path = "/jwt/down-" + UUID.randomUUID();
        String downIssuer = "http://127.0.0.1:" + DOWN_PORT + "/realms/down";
        HttpResponse<byte[]> response = get(node, path, claims(downIssuer, "k1").sign(rs(RSA_1)));
        Http.assertProblem(response, 503, "Service Unavailable");
        assertTrue(response.headers().firstValue("Retry-After").isPresent());
        assertFalse(Upstreams.a().saw(path));
    }
}
