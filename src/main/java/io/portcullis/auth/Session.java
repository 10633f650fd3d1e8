package io.portcullis.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A refresh session: one login, carried on by rotating refresh tokens.
 *
 * @param sid the session id, the {@code sid} claim of its access tokens
 * @param userId the user it belongs to
 * @param createdAt when the user logged in
 * @param lastUsedAt the last login or refresh; the session ends after {@code idle-timeout} without one
 * @param expiresAt the absolute end ({@code refresh-ttl} after login), whatever the use
 */
public record Session(String sid, String userId, Instant createdAt, Instant lastUsedAt, Instant expiresAt) {

    public Session {
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(lastUsedAt, "lastUsedAt");
        Objects.requireNonNull(expiresAt, "expiresAt");
    }
}
