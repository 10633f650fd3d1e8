package io.portcullis.jwt;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a verified access token says: who it is for, which session and token it is, when it was issued and
 * expires, and what it allows. Immutable; cached by the JWT stage until {@code expiresAt}.
 *
 * @param claims the token's top-level string claims, for key templates such as {@code cart:{sub}}
 */
public record VerifiedToken(
        String subject,
        String issuer,
        Optional<String> jti,
        Optional<String> sessionId,
        Optional<Instant> issuedAt,
        Instant expiresAt,
        List<String> scopes,
        List<String> roles,
        Map<String, String> claims) {

    public VerifiedToken {
        scopes = List.copyOf(scopes);
        roles = List.copyOf(roles);
        claims = Map.copyOf(claims);
    }
}
