package io.portcullis.apikey;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An issued API key, known only by the SHA-256 hash of its secret.
 *
 * @param id the public key id, sent upstream as {@code X-Client-Id}
 * @param ownerId the user who issued it
 * @param name the owner's label for it
 * @param sha256 lower-case hex SHA-256 of the key as the client sends it
 * @param scopes what the key may do
 * @param createdAt when it was issued
 * @param expiresAt when it stops working, if ever
 */
public record ApiKey(
        String id,
        String ownerId,
        String name,
        String sha256,
        List<String> scopes,
        Instant createdAt,
        Optional<Instant> expiresAt) {

    public ApiKey {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(ownerId, "ownerId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(createdAt, "createdAt");
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /** A key that never expires. */
    public ApiKey(String id, String ownerId, String name, String sha256, List<String> scopes, Instant createdAt) {
        this(id, ownerId, name, sha256, scopes, createdAt, Optional.empty());
    }

    /** Whether the key has expired at {@code now}. */
    public boolean expiredAt(Instant now) {
        return expiresAt.isPresent() && !now.isBefore(expiresAt.get());
    }
}
