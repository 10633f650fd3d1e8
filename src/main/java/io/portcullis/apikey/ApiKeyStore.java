package io.portcullis.apikey;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Issued API keys. Lookups go to the shared store on every request (nothing is cached in process), so a
 * revoked key stops working on every node at once. Calls complete exceptionally with
 * {@link io.portcullis.store.StoreUnavailableException} when the store cannot answer. Thread-safe.
 */
public interface ApiKeyStore {

    CompletionStage<Void> create(ApiKey key);

    /** The hot path: the key whose secret hashes to {@code sha256}, if issued and not revoked. */
    CompletionStage<Optional<ApiKey>> findByHash(String sha256);

    /** The owner's keys, oldest first. */
    CompletionStage<List<ApiKey>> listByOwner(String ownerId);

    /** Revokes the owner's key {@code id}. @return false when the owner has no such key */
    CompletionStage<Boolean> revoke(String ownerId, String id);
}
