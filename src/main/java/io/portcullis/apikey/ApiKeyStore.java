package io.portcullis.apikey;

import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Issued API keys. Lookups go to the shared store on every request (nothing is cached in process), so a
 * revoked key stops working on every node at once. Calls complete exceptionally with
 * {@link io.portcullis.chain.StoreUnavailableException} when the store cannot answer. Thread-safe.
 */
public interface ApiKeyStore {

    CompletionStage<Void> create(ApiKey key);

    /** The key whose secret hashes to {@code sha256}, if issued and not revoked. */
    CompletionStage<Optional<ApiKey>> findByHash(String sha256);

    /**
     * The hot path: as {@link #findByHash(String)}, and when the key is found also counts
     * {@code chargeFor(key)} for the rate-limit stage, atomically in the same round trip: an unknown or revoked
     * key is never counted. The decision is empty when nothing was counted (see {@link Checked}); by default
     * nothing is, and the rate-limit stage counts on its own — the in-memory store keeps that default, having no round trip
     * to save.
     *
     * @param chargeFor the charge a request with this key makes, or empty to count nothing (the route is not
     *     limited, or the request will be refused anyway)
     */
    default CompletionStage<Checked<Optional<ApiKey>>> findByHash(
            String sha256, Function<ApiKey, Optional<Charge>> chargeFor) {
        return findByHash(sha256).thenApply(Checked::notCounted);
    }

    /** The owner's keys, oldest first. */
    CompletionStage<List<ApiKey>> listByOwner(String ownerId);

    /** Revokes the owner's key {@code id}. @return false when the owner has no such key */
    CompletionStage<Boolean> revoke(String ownerId, String id);
}
