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
        attacks.add(new Object[] {"expired beyond leeway", signed(b -> b.withIssuedAt(now.minusSeconds(600))
                .withExpiresAt(now.minusSeconds(60)))});
        attacks.add(new Object[] {"nbf in the future", signed(b -> b.withNotBefore(now.plusSeconds(600)))});
        attacks.add(new Object[] {"iat in the future", signed(b -> b.withIssuedAt(now.plusSeconds(600))
                .withExpiresAt(now.plusSeconds(900)))});
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
        attacks.add(new Object[] {"jwk header", signed(b -> b.withHeader(Map.of("jwk",
                Map.of("kty", "oct", "k", B64.encodeToString(ItTokens.SECRET.getBytes(StandardCharsets.UTF_8))))))});
        attacks.add(new Object[] {"64 KB token", parts[0] + "." + "A".repeat(64 * 1024) + "." + parts[2]});
        attacks.add(new Object[] {"garbage segments", "abc.def.ghi"});
        attacks.add(new Object[] {"non-JSON segments", b64("not json") + "." + b64("{") + "." + parts[2]});
        attacks.add(new Object[] {"empty segments", ".."});
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
            assertTrue(challenge.startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\""),
                    attack + ": " + challenge);
        }
        assertFalse(Upstreams.a().saw(path), attack + " reached the upstream");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.portcullis.it.GatewayNode#all")
    void jwtRouteWhenValidTokenThenItsControlPasses(GatewayNode node) {
        HttpResponse<byte[]> response = Http.get(node, "/jwt/control", "Authorization", "Bearer " + signed(b -> b));
        assertEquals(200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
    }
}
