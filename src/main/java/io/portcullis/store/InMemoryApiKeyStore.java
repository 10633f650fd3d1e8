package io.portcullis.store;

import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.chain.StoreUnavailableException;
import java.time.Clock;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link ApiKeyStore} for one node. Keys leave only when revoked or expired: past {@code maximumKeys} live
 * keys issuing fails with {@link StoreUnavailableException}. Thread-safe.
 */
public final class InMemoryApiKeyStore implements ApiKeyStore {
    /** Default bound on issued keys. */
    public static final int DEFAULT_MAXIMUM_KEYS = 100_000;

    private final ConcurrentMap<String, ApiKey> byHash = new ConcurrentHashMap<>();
    private final int maximumKeys;
    private final Clock clock;

    public InMemoryApiKeyStore(int maximumKeys) {
        this(maximumKeys, Clock.systemUTC());
    }

    /** @param clock tells when a key with an expiry stops working */
    public InMemoryApiKeyStore(int maximumKeys, Clock clock) {
        this.maximumKeys = maximumKeys;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Void> create(ApiKey key) {
        byHash.values().removeIf(k -> k.expiredAt(clock.instant()));
        if (byHash.size() >= maximumKeys) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("the in-memory API key store is full (" + maximumKeys + " keys)"));
        }
        byHash.put(key.sha256(), key);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Optional<ApiKey>> findByHash(String sha256) {
        return CompletableFuture.completedFuture(
                Optional.ofNullable(byHash.get(sha256)).filter(key -> !key.expiredAt(clock.instant())));
    }

    @Override
    public CompletionStage<List<ApiKey>> listByOwner(String ownerId) {
        return CompletableFuture.completedFuture(ownedBy(ownerId));
    }

    @Override
    public CompletionStage<Boolean> revoke(String ownerId, String id) {
        boolean removed = false;
        for (ApiKey key : ownedBy(ownerId)) {
            if (key.id().equals(id)) {
                removed |= byHash.remove(key.sha256(), key);
            }
        }
        return CompletableFuture.completedFuture(removed);
    }

    private List<ApiKey> ownedBy(String ownerId) {
        // A linear scan: issuing and listing are rare, lookups by hash are the hot path.
        return byHash.values().stream()
                .filter(k -> k.ownerId().equals(ownerId) && !k.expiredAt(clock.instant()))
                .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id))
                .toList();
    }
}
