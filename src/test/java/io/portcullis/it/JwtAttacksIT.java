package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.auth0.jwt.JWTCreator;
import io.portcullis.config.GatewayConfig;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attack list against a JWT route, on every node: each forged, spoiled or oversized token is refused
 * with a 4xx (401 where the gateway sees it; an oversized header may be refused by the container first),
 * never a 500, and the upstream never sees the request. The HS256-with-the-RSA-public-key attack needs an
 * RSA key the gateway trusts, and lives in {@link TrustedIssuerIT}.
 */
@GatewayIT
class JwtAttacksIT {
    private static final GatewayConfig CONFIG = ItTokens.config();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private static String signed(Function<JWTCreator.Builder, JWTCreator.Builder> spoil) {
        return spoil.apply(ItTokens.valid(CONFIG, "victim")).sign(ItTokens.gatewayKey());
    }

    private static String b64(String json) {
        return B64.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> attacks() {
        String valid = signed(b -> b);
        String[] parts = valid.split("\\.");
        Instant now = Instant.now();
        List<Object[]> attacks = new ArrayList<>();
        for (String none : List.of("none", "None", "NONE", "nOnE")) {
            String header = b64("{\"alg\":\"" + none + "\",\"typ\":\"at+jwt\",\"kid\":\"it\"}");
            attacks.add(new Object[] {"alg " + none + " unsigned", header + "." + parts[1] + "."});
            attacks.add(new Object[] {"alg " + none + " with signature", header + "." + parts[1] + "." + parts[2]});
        }
        String forgedPayload = b64(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"victim\"", "\"admin\""));
        attacks.add(new Object[] {"tampered payload", parts[0] + "." + forgedPayload + "." + parts[2]});
        attacks.add(new Object[] {"stripped signature", parts[0] + "." + parts[1] + "."});
        attacks.add(new Object[] {"two segments", parts[0] + "." + parts[1]});
        attacks.add(new Object[] {
            "expired beyond leeway",
            signed(b -> b.withIssuedAt(now.minusSeconds(600)).withExpiresAt(now.minusSeconds(60)))
        });
        attacks.add(new Object[] {"nbf in the future", signed(b -> b.withNotBefore(now.plusSeconds(600)))});
        attacks.add(new Object[] {
            "iat in the future",
            signed(b -> b.withIssuedAt(now.plusSeconds(600)).withExpiresAt(now.plusSeconds(900)))
        });
        attacks.add(new Object[] {"wrong iss", signed(b -> b.withIssuer("https://evil.example"))});
        attacks.add(new Object[] {"wrong aud", signed(b -> b.withAudience("other-api"))});
        attacks.add(new Object[] {"missing exp", signed(b -> b.withClaim("exp", (Long) null))});
        attacks.add(new Object[] {"refresh token", signed(b -> b.withClaim("typ", "refresh"))});
        attacks.add(new Object[] {"refresh header type", signed(b -> b.withHeader(Map.of("typ", "refresh+jwt")))});
        attacks.add(new Object[] {"unknown kid", signed(b -> b.withKeyId("nope"))});
        attacks.add(new Object[] {"path-like kid", signed(b -> b.withKeyId("../../../../etc/passwd"))});
        attacks.add(new Object[] {"url kid", signed(b -> b.withKeyId("http://127.0.0.1:1/key"))});
        attacks.add(new Object[] {"jku header", signed(b -> b.withHeader(Map.of("jku", "http://127.0.0.1:1/jwks")))});
        attacks.add(new Object[] {"x5u header", signed(b -> b.withHeader(Map.of("x5u", "http://127.0.0.1:1/cert")))});
        attacks.add(new Object[] {
            "jwk header",
            signed(b -> b.withHeader(Map.of(
                    "jwk",
                    Map.of("kty", "oct", "k", B64.encodeToString(ItTokens.SECRET.getBytes(StandardCharsets.UTF_8))))))
        });
        attacks.add(new Object[] {"64 KB token", parts[0] + "." + "A".repeat(64 * 1024) + "." + parts[2]});
        attacks.add(new Object[] {"garbage segments", "abc.def.ghi"});
        attacks.add(new Object[] {"non-JSON segments", b64("not json") + "." + b64("{") + "." + parts[2]});
        attacks.add(new Object[] {"empty segments", ".."});
        attacks.add(new Object[] {"padded signature", valid + "="});
        attacks.add(new Object[] {"padded payload", parts[0] + "." + parts[1] + "=" + "." + parts[2]});
        attacks.add(new Object[] {
            "signature with altered spare bits", parts[0] + "." + parts[1] + "." + spareBitsSet(parts[2])
        });
        attacks.add(new Object[] {
            "signature in the standard alphabet",
            parts[0] + "." + parts[1] + "." + parts[2].replace('-', '+').replace('_', '/')
                    + (parts[2].matches(".*[-_].*") ? "" : "+")
        });
        List<Arguments> arguments = new ArrayList<>();
        for (GatewayNode node : GatewayNode.all()) {
            for (Object[] attack : attacks) {
                arguments.add(Arguments.of(node, attack[0], attack[1]));
            }
        }
        return arguments.stream();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("attacks")
    void jwtRouteWhenAttackedThenRefusedBeforeTheUpstream(GatewayNode node, String attack, String token) {
        String path = "/jwt/attack-" + UUID.randomUUID();
        HttpResponse<byte[]> response = Http.get(node, path, "Authorization", "Bearer " + token);

        int status = response.statusCode();
        if (token.length() > 16 * 1024) {
            assertTrue(status >= 400 && status < 500, attack + " answered " + status);
        } else {
            Http.assertProblem(response, 401, "Invalid token");
            String challenge = response.headers().firstValue("WWW-Authenticate").orElse("");
            assertTrue(
                    challenge.startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\""),
                    attack + ": " + challenge);
        }
        assertFalse(Upstreams.a().saw(path), attack + " reached the upstream");
    }

    /** The last character of a base64url segment with its unused low bits set (the JDK decodes it to the same bytes). */
    private static String spareBitsSet(String segment) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int spare = segment.length() % 4 == 2 ? 0x0F : segment.length() % 4 == 3 ? 0x03 : 0;
        int last = alphabet.indexOf(segment.charAt(segment.length() - 1));
        return segment.substring(0, segment.length() - 1) + alphabet.charAt(last | spare);
    }

    /** Time values the JDK cannot hold, or the gateway does not take, as raw JSON. */
    static Stream<Arguments> unrepresentableTimes() {
        List<String> values = List.of(
                "9223372036854775807",
                "-9223372036854775808",
                "-1",
                "1e300",
                "1.5E9",
                "99999999999999999999999999",
                "13569465600" /* 2400-01-01 */,
                "31556889864403200",
                "\"1800000000\"",
                "1795435200.5",
                "true");
        List<Arguments> arguments = new ArrayList<>();
        for (GatewayNode node : GatewayNode.all()) {
            for (String claim : List.of("exp", "nbf", "iat")) {
                for (String value : values) {
                    // The gateway's own key may sign a token valid until 2400 (only the gateway holds that key);
                    // a consumer may not (max-lifetime).
                    if (!(claim.equals("exp") && value.equals("13569465600"))) {
                        arguments.add(Arguments.of(node, claim, value, false));
                    }
                    arguments.add(Arguments.of(node, claim, value, true));
                }
            }
        }
        return arguments.stream();
    }

    /**
     * Raw JSON claims, HS256-signed with the gateway's key or the consumer's secret: a value the gateway cannot
     * represent is a 401 invalid_token (a consumer exp in 2400 answered 500: Duration.toNanos overflowed).
     */
    @ParameterizedTest(name = "{0}: {1}={2} consumer={3}")
    @MethodSource("unrepresentableTimes")
    void jwtRouteWhenTimeClaimUnrepresentableThen401NeverA500(
            GatewayNode node, String claim, String value, boolean consumer) {
        long now = Instant.now().getEpochSecond();
        Map<String, String> claims = new java.util.LinkedHashMap<>();
        if (consumer) {
            claims.put("iss", "\"" + ItTokens.CONSUMER + "\"");
        } else {
            claims.put("iss", "\"" + CONFIG.auth().issuer() + "\"");
            claims.put("sub", "\"victim\"");
            claims.put("aud", "\"" + CONFIG.auth().audience() + "\"");
            claims.put("typ", "\"access\"");
            claims.put("jti", "\"" + UUID.randomUUID() + "\"");
        }
        claims.put("iat", Long.toString(now));
        claims.put("exp", Long.toString(now + 120));
        claims.put(claim, value);
        StringBuilder json = new StringBuilder("{");
        claims.forEach((name, raw) -> json.append(json.length() > 1 ? "," : "")
                .append('"')
                .append(name)
                .append("\":")
                .append(raw));
        String header = b64(
                consumer
                        ? "{\"alg\":\"HS256\",\"typ\":\"JWT\"}"
                        : "{\"alg\":\"HS256\",\"typ\":\"at+jwt\",\"kid\":\"it\"}");
        String payload = b64(json.append('}').toString());
        com.auth0.jwt.algorithms.Algorithm key =
                consumer ? com.auth0.jwt.algorithms.Algorithm.HMAC256(ItTokens.CONSUMER_SECRET) : ItTokens.gatewayKey();
        String token = header + "." + payload + "."
                + B64.encodeToString(key.sign(
                        header.getBytes(StandardCharsets.US_ASCII), payload.getBytes(StandardCharsets.US_ASCII)));

        String path = "/jwt/time-" + UUID.randomUUID();
        HttpResponse<byte[]> response = Http.get(node, path, "Authorization", "Bearer " + token);
        Http.assertProblem(response, 401, "Invalid token");
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""));
        assertFalse(Upstreams.a().saw(path));
    }

    /** A partner signs itself admin and a long life: its entry's roles count, its claims do not. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.portcullis.it.GatewayNode#all")
    void consumerTokenWhenItGrantsItselfRolesOrALongLifeThenRefused(GatewayNode node) {
        Instant now = Instant.now();
        String selfGranted = com.auth0
                .jwt
                .JWT
                .create()
                .withIssuer(ItTokens.CONSUMER)
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(120))
                .withClaim("roles", List.of("orders", "admin"))
                .withClaim("scope", "orders admin")
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(ItTokens.CONSUMER_SECRET));
        String scoped = "/jwt-scoped/self-granted-" + UUID.randomUUID();
        HttpResponse<byte[]> refused = Http.get(node, scoped, "Authorization", "Bearer " + selfGranted);
        Http.assertProblem(refused, 403, "Insufficient scope");
        assertFalse(Upstreams.a().saw(scoped));
        com.fasterxml.jackson.databind.JsonNode echo =
                Http.json(Http.get(node, "/jwt/self-granted", "Authorization", "Bearer " + selfGranted));
        assertEquals("partner", Http.upstreamHeader(echo, "X-User-Roles"), "roles from the consumer entry only");

        String longLived = com.auth0
                .jwt
                .JWT
                .create()
                .withIssuer(ItTokens.CONSUMER)
                .withIssuedAt(now)
                .withExpiresAt(Instant.parse("2100-01-01T00:00:00Z"))
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(ItTokens.CONSUMER_SECRET));
        String path = "/jwt/long-lived-" + UUID.randomUUID();
        Http.assertProblem(Http.get(node, path, "Authorization", "Bearer " + longLived), 401, "Invalid token");
        assertFalse(Upstreams.a().saw(path));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.portcullis.it.GatewayNode#all")
    void jwtRouteWhenValidTokenThenItsControlPasses(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/jwt/control", "Authorization", "Bearer " + signed(b -> b));
        assertEquals(200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
    }
}
