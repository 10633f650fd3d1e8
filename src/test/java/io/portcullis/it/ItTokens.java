package io.portcullis.it;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTCreator;
import com.auth0.jwt.algorithms.Algorithm;
import io.portcullis.auth.TokenIssuer;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.jwt.SigningKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Tokens for the integration tests, made with the same configuration the nodes run (the filtered
 * {@code it.config}): the gateway's own access tokens through the real {@link TokenIssuer}, and hand-built
 * ones signed with the configuration's HS256 key for the attacks.
 */
final class ItTokens {
    static final String SECRET = "integration-tests-only-0123456789abcdef";
    static final String CONSUMER = "it-consumer";
    static final String CONSUMER_SECRET = "it-consumer-secret-0123456789abcdef";

    private ItTokens() {}

    static GatewayConfig config() {
        String file = System.getProperty("it.config", "target/it-config/portcullis-it.yaml");
        return new ConfigLoader().load(Path.of(file));
    }

    static TokenIssuer issuer(GatewayConfig config) {
        return new TokenIssuer(
                SigningKeys.load(config.auth(), false, config.source()), config.auth(), Clock.systemUTC());
    }

    /** The claims of a valid gateway access token, to be spoiled one at a time. */
    static JWTCreator.Builder valid(GatewayConfig config, String subject) {
        Instant now = Instant.ofEpochSecond(Instant.now().getEpochSecond());
        return JWT.create()
                .withHeader(Map.of("typ", "at+jwt"))
                .withKeyId("it")
                .withIssuer(config.auth().issuer())
                .withSubject(subject)
                .withAudience(config.auth().audience())
                .withIssuedAt(now)
                .withExpiresAt(now.plusSeconds(300))
                .withJWTId(TokenIssuer.randomId())
                .withClaim("sid", "s-" + subject)
                .withClaim("typ", "access")
                .withClaim("roles", List.of("user"));
    }

    static Algorithm gatewayKey() {
        return Algorithm.HMAC256(SECRET.getBytes(StandardCharsets.UTF_8));
    }
}
