package io.portcullis.jwt;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * A cache of verified token payloads shared between nodes ({@code auth.token-cache.redis: true}), keyed by
 * a hash of the token (never the token itself). An entry never outlives the token's {@code exp}. It is a
 * cache: {@link #get} yields empty rather than failing when the store cannot answer, and {@link #put} never
 * fails the caller. Revocation is not the cache's business: it is checked on every request. Thread-safe.
 */
public interface VerifiedTokenStore {

    /** The payload stored for {@code tokenHash}, or empty (unknown, expired, or store unavailable). */
    CompletionStage<Optional<String>> get(String tokenHash);

    /** Stores {@code payload} until {@code expiresAt} (capped at the store's maximum); a past exp stores nothing. */
    CompletionStage<Void> put(String tokenHash, String payload, Instant expiresAt);
}
