package io.portcullis.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.portcullis.config.AuthConfig;
import io.portcullis.jwt.Verification.Failure;
import io.portcullis.testsupport.MutableClock;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Trusted issuers configured by {@code issuer} alone: keys found through OpenID Connect discovery. */
class OidcDiscoveryTest {
    private static final String ISSUER = "https://idp.example/realms/main";
    private static final URI DISCOVERY = URI.create(ISSUER + "/.well-known/openid-configuration");
    private static final URI JWKS = URI.create("https://idp.example/realms/main/protocol/openid-connect/certs");
    private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SigningKey RSA = SigningKeys.generate(AuthConfig.Algorithm.RS256, "rsa-1");
    private static final SigningKey RSA_NEXT = SigningKeys.generate(AuthConfig.Algorithm.RS256, "rsa-2");
    private static final SigningKey OWN = SigningKeys.generate(AuthConfig.Algorithm.HS256, "own");

    private final MutableClock clock = new MutableClock(START);
    private final Map<URI, String> documents = new ConcurrentHashMap<>();
    private final List<URI> fetched = new CopyOnWriteArrayList<>();
    private final JwksSource source = uri -> {
        fetched.add(uri);
        String document = documents.get(uri);
        if (document == null) {
            throw new IOException("connection refused");
        }
        return document;
    };

    private static String discovery(String issuer, String jwksUri) throws IOException {
        return JSON.writeValueAsString(Map.of(
                "issuer", issuer, "jwks_uri", jwksUri, "token_endpoint", ISSUER + "/protocol/openid-connect/token"));
    }

    static AuthConfig discovering(String issuer) {
        AuthConfig c = TokenVerifierTest.config(AuthConfig.Algorithm.HS256);
        return new AuthConfig(
                c.path(),
                c.issuer(),
                c.audience(),
                c.algorithm(),
                c.signingKeys(),
                c.accessTtl(),
                c.refreshTtl(),
                c.idleTimeout(),
                c.leeway(),
                c.refreshGrace(),
                c.tokenCache(),
                c.users(),
                c.registration(),
                List.of(new AuthConfig.TrustedIssuerConfig(issuer, Optional.empty(), Optional.of("api"), "idp", false)),
                c.consumers());
    }

    private TokenVerifier verifier(String issuer, JwksSource from, Duration deadline) {
        AuthConfig config = discovering(issuer);
        return new TokenVerifier(
                config, new SigningKeys(List.of(OWN)), TrustedIssuers.create(config, from, clock, deadline), clock);
    }

    private TokenVerifier verifier() {
        return verifier(ISSUER, source, HttpJwksSource.DEADLINE);
    }

    private static JWTCreator.Builder claims(String issuer, String kid) {
        return JWT.create()
                .withKeyId(kid)
                .withIssuer(issuer)
                .withSubject("ext-user")
                .withAudience("api")
                .withIssuedAt(START)
                .withExpiresAt(START.plus(Duration.ofHours(2)));
    }

    private static String token(SigningKey key) {
        return claims(ISSUER, key.kid()).sign(key.jwtAlgorithm());
    }

    private static Failure failure(Verification verification) {
        return assertInstanceOf(Verification.Rejected.class, verification).failure();
    }

    @Test
    void verifyWhenIssuerAloneThenKeysFromTheDiscoveredJwksUri() throws Exception {
        documents.put(DISCOVERY, discovery(ISSUER, JWKS.toString()));
        documents.put(JWKS, TrustedIssuersTest.jwks(List.of(RSA)));
        TokenVerifier verifier = verifier();

        VerifiedToken token = assertInstanceOf(Verification.Verified.class, verifier.verify(token(RSA)))
                .token();

        assertEquals("idp:ext-user", token.subject());
        assertEquals(List.of(DISCOVERY, JWKS), fetched);
    }

    @Test
    void verifyWhenIssuerHasTrailingSlashThenDiscoveryUnderItAndTheDocumentMustNameItExactly() throws Exception {
        String slashed = ISSUER + "/";
        documents.put(DISCOVERY, discovery(slashed, JWKS.toString()));
        documents.put(JWKS, TrustedIssuersTest.jwks(List.of(RSA)));

        assertInstanceOf(
                Verification.Verified.class,
                verifier(slashed, source, HttpJwksSource.DEADLINE)
                        .verify(claims(slashed, "rsa-1").sign(RSA.jwtAlgorithm())));
        assertEquals(DISCOVERY, fetched.get(0));
    }

    @Test
    void verifyWhenDocumentNamesAnotherIssuerThenInvalidAndTheKeysNeverFetched() throws Exception {
        for (String other : List.of(
                "https://evil.example/realms/main",
                ISSUER + "/",
                "HTTPS://idp.example/realms/main",
                "https://idp.example/realms/main2")) {
            documents.put(DISCOVERY, discovery(other, JWKS.toString()));
            documents.put(JWKS, TrustedIssuersTest.jwks(List.of(RSA)));
            fetched.clear();

            assertEquals(Failure.INVALID, failure(verifier().verify(token(RSA))), other);
            assertEquals(List.of(DISCOVERY), fetched, other);
        }
    }

    @Test
    void verifyWhenJwksUriOnAnotherHostOverHttpsThenAccepted() throws Exception {
        URI elsewhere = URI.create("https://keys.other.example/oauth2/v3/certs");
        documents.put(DISCOVERY, discovery(ISSUER, elsewhere.toString()));
        documents.put(elsewhere, TrustedIssuersTest.jwks(List.of(RSA)));

        assertInstanceOf(Verification.Verified.class, verifier().verify(token(RSA)));
        assertEquals(List.of(DISCOVERY, elsewhere), fetched);
    }

    @Test
    void verifyWhenJwksUriNotHttpsOrMalformedThenInvalidAndNothingFetchedFromIt() throws Exception {
        for (String jwksUri : List.of(
                "http://idp.example/certs",
                "http://127.0.0.1:8080/certs",
                "file:///etc/passwd",
                "/relative/certs",
                "https://user:pw@idp.example/certs",
                "https://idp.example/certs#frag",
                "not a uri",
                "ftp://idp.example/certs")) {
            documents.clear();
            documents.put(DISCOVERY, discovery(ISSUER, jwksUri));
            fetched.clear();

            assertEquals(Failure.INVALID, failure(verifier().verify(token(RSA))), jwksUri);
            assertEquals(List.of(DISCOVERY), fetched, jwksUri);
        }
    }

    @Test
    void verifyWhenDocumentMalformedThenInvalid() {
        for (String document : List.of(
                "not json",
                "[]",
                "{}",
                "{\"issuer\":\"" + ISSUER + "\"}",
                "{\"issuer\":\"" + ISSUER + "\",\"jwks_uri\":42}",
                "{\"issuer\":7,\"jwks_uri\":\"" + JWKS + "\"}")) {
            documents.put(DISCOVERY, document);
            assertEquals(Failure.INVALID, failure(verifier().verify(token(RSA))), document);
        }
    }

    @Test
    void verifyWhenProviderDownAtStartThenUnavailableAndRetriedOnTheKeysThrottle() throws Exception {
        TokenVerifier verifier = verifier();

        assertEquals(Failure.UNAVAILABLE, failure(verifier.verify(token(RSA))));
        documents.put(DISCOVERY, discovery(ISSUER, JWKS.toString()));
        documents.put(JWKS, TrustedIssuersTest.jwks(List.of(RSA)));
        assertEquals(Failure.UNAVAILABLE, failure(verifier.verify(token(RSA))), "too soon to ask again");
        assertEquals(1, fetched.size());

        clock.advance(IssuerKeys.MIN_REFETCH_INTERVAL);
        assertInstanceOf(Verification.Verified.class, verifier.verify(token(RSA)));
    }

    @Test
    void verifyWhenDiscoveryDownLaterThenTheLastJwksUriServesRotatedKeys() throws Exception {
        documents.put(DISCOVERY, discovery(ISSUER, JWKS.toString()));
        documents.put(JWKS, TrustedIssuersTest.jwks(List.of(RSA)));
        TokenVerifier verifier = verifier();
        assertInstanceOf(Verification.Verified.class, verifier.verify(token(RSA)));

        documents.remove(DISCOVERY);
        documents.put(JWKS, TrustedIssuersTest.jwks(List.of(RSA_NEXT)));
        clock.advance(IssuerKeys.MIN_REFETCH_INTERVAL);

        assertInstanceOf(Verification.Verified.class, verifier.verify(token(RSA_NEXT)));
        assertEquals(List.of(DISCOVERY, JWKS, DISCOVERY, JWKS), fetched);
    }

    @Test
    void verifyWhenDocumentTurnsHostileLaterThenCachedKeysKeptAndNewKidsInvalid() throws Exception {
        documents.put(DISCOVERY, discovery(ISSUER, JWKS.toString()));
        documents.put(JWKS, TrustedIssuersTest.jwks(List.of(RSA)));
        TokenVerifier verifier = verifier();
        assertInstanceOf(Verification.Verified.class, verifier.verify(token(RSA)));

        URI attacker = URI.create("https://attacker.example/certs");
        documents.put(DISCOVERY, discovery("https://attacker.example", attacker.toString()));
        documents.put(attacker, TrustedIssuersTest.jwks(List.of(RSA_NEXT)));
        clock.advance(IssuerKeys.MIN_REFETCH_INTERVAL);

        assertEquals(Failure.INVALID, failure(verifier.verify(token(RSA_NEXT))));
        assertInstanceOf(Verification.Verified.class, verifier.verify(token(RSA)));
        assertTrue(!fetched.contains(attacker), fetched.toString());
    }

    @Test
    void createWhenDiscoveredIssuerIsPlainHttpOffLoopbackThenRefused() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class,
                () -> verifier("http://idp.example/realms/main", source, HttpJwksSource.DEADLINE));
        assertTrue(e.getMessage().contains("https://"), e.getMessage());
    }

    /** A real loopback provider whose discovery document is huge, or dribbles: given up like a slow JWKS. */
    @Test
    void verifyWhenDiscoveryDocumentHugeOrSlowThenUnavailableWithinTheDeadline() throws Exception {
        Duration deadline = Duration.ofMillis(600);
        CountDownLatch stop = new CountDownLatch(1);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/huge/.well-known/openid-configuration", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                byte[] chunk = " ".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
                for (int i = 0; i < 64 && stop.getCount() > 0; i++) {
                    out.write(chunk);
                }
            } catch (IOException e) {
                // the client gave up, as it should
            }
        });
        server.createContext("/slow/.well-known/openid-configuration", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (int i = 0; i < 100 && !stop.await(100, TimeUnit.MILLISECONDS); i++) {
                    out.write(' ');
                    out.flush();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException e) {
                // the client gave up, as it should
            }
        });
        server.start();
        try {
            for (String path : List.of("/huge", "/slow")) {
                String issuer = "http://127.0.0.1:" + server.getAddress().getPort() + path;
                TokenVerifier verifier = verifier(issuer, new HttpJwksSource(deadline), deadline);
                long start = System.nanoTime();

                assertEquals(
                        Failure.UNAVAILABLE,
                        failure(verifier.verify(claims(issuer, "rsa-1").sign(RSA.jwtAlgorithm()))),
                        path);
                Duration took = Duration.ofNanos(System.nanoTime() - start);
                assertTrue(took.compareTo(deadline.plusMillis(1_500)) < 0, path + " answered after " + took);
            }
        } finally {
            stop.countDown();
            server.stop(0);
        }
    }
}
