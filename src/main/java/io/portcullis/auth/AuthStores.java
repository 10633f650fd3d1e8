package io.portcullis.auth;

import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.ratelimit.RateLimiter;
import java.util.Objects;

/**
 * The shared-state stores the auth service works on, as the interfaces it needs: the {@code store} package
 * implements them (Redis or in memory), the auth service never names an implementation. Immutable.
 *
 * @param rateLimiter the limiter with the configured {@code rate-limits.algorithm}, for the service's own limits
 */
public record AuthStores(
        UserStore users,
        SessionStore sessions,
        RevocationStore revocations,
        LoginAttemptStore loginAttempts,
        ApiKeyStore apiKeys,
        RateLimiter rateLimiter) {

    public AuthStores {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(sessions, "sessions");
        Objects.requireNonNull(revocations, "revocations");
        Objects.requireNonNull(loginAttempts, "loginAttempts");
        Objects.requireNonNull(apiKeys, "apiKeys");
        Objects.requireNonNull(rateLimiter, "rateLimiter");
    }
}
