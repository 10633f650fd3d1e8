package io.portcullis.auth;

import com.auth0.jwt.JWT;
import io.portcullis.config.AuthConfig;
import io.portcullis.jwt.SigningKey;
import io.portcullis.jwt.SigningKeys;
import io.portcullis.jwt.TokenVerifier;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Issues the gateway's access tokens: header {@code typ: at+jwt} and {@code kid}; claims {@code iss},
 * {@code sub} (the user id), {@code aud}, {@code iat}, {@code exp}, {@code jti}, {@code sid},
 * {@code typ: "access"}, {@code auth_time} (when the session's password login was), and {@code scope} /
 * {@code roles} where the user has them. Signed with the first
 * key of the ring. Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068">RFC 9068</a>
 */
public final class TokenIssuer {
    /** The claim that says when the user last gave their password. */
    public static final String AUTH_TIME = "auth_time";

    private static final SecureRandom RANDOM = new SecureRandom();

    private final SigningKeys keys;
    private final AuthConfig config;
    private final Clock clock;

    public TokenIssuer(SigningKeys keys, AuthConfig config, Clock clock) {
        this.keys = keys;
        this.config = config;
        this.clock = clock;
    }

    /** A signed access token and the facts the auth service records about it. */
    public record AccessToken(String token, String jti, Instant issuedAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "AccessToken[jti=" + jti + ", expiresAt=" + expiresAt + "]";
        }
    }

    /** An access token without {@code auth_time} (not issued from a password login). */
    public AccessToken issue(String userId, String sessionId, List<String> roles, List<String> scopes) {
        return issue(userId, sessionId, roles, scopes, Optional.empty());
    }

    /**
     * @param authTime when the user last proved their password (the session's login), as the {@code auth_time}
     *     claim (OpenID Connect Core §2): minting an API key needs a recent one
     */
    public AccessToken issue(
            String userId, String sessionId, List<String> roles, List<String> scopes, Optional<Instant> authTime) {
        // Whole seconds: JWT times are NumericDate, and iat must not look later than the clock.
        Instant now = Instant.ofEpochSecond(clock.instant().getEpochSecond());
        Instant expires = now.plus(config.accessTtl());
        String jti = randomId();
        SigningKey key = keys.signing();
        var builder = JWT.create()
                .withHeader(Map.of("typ", TokenVerifier.ACCESS_TYPE_HEADER))
                .withKeyId(key.kid())
                .withIssuer(config.issuer())
                .withSubject(userId)
                .withAudience(config.audience())
                .withIssuedAt(now)
                .withExpiresAt(expires)
                .withJWTId(jti)
                .withClaim("sid", sessionId)
                .withClaim("typ", TokenVerifier.ACCESS_TYPE_CLAIM);
        authTime.ifPresent(at -> builder.withClaim(AUTH_TIME, at.getEpochSecond()));
        if (!scopes.isEmpty()) {
            builder.withClaim("scope", String.join(" ", scopes));
        }
        if (!roles.isEmpty()) {
            builder.withClaim("roles", roles);
        }
        return new AccessToken(builder.sign(key.jwtAlgorithm()), jti, now, expires);
    }

    /** 128 random bits, base64url: unguessable ids for tokens and sessions. */
    public static String randomId() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
