package io.portcullis.store;

import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.direct.DirectStore;
import io.portcullis.direct.DirectValue;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link DirectStore} for one node, the in-memory twin of Redis for {@code mvn jetty:run}: strings and
 * hashes by key. Never evicts: past {@code maximumKeys} a new key fails with
 * {@link StoreUnavailableException}. Thread-safe.
 */
public final class InMemoryDirectStore implements DirectStore {
    /** Default bound on stored keys. */
    public static final int DEFAULT_MAXIMUM_KEYS = 100_000;

    private final ConcurrentMap<String, DirectValue> values = new ConcurrentHashMap<>();
    private final int maximumKeys;

    public InMemoryDirectStore(int maximumKeys) {
        this.maximumKeys = maximumKeys;
    }

    @Override
    public CompletionStage<DirectValue> get(String key) {
        return CompletableFuture.completedFuture(values.getOrDefault(key, DirectValue.ABSENT));
    }

    @Override
    public CompletionStage<Void> put(String key, String value) {
        return store(key, new DirectValue.Text(value));
    }

    /** Stores a hash, as HSET on a fresh key would (demo data and tests). */
    public CompletionStage<Void> putHash(String key, Map<String, String> fields) {
        return store(key, new DirectValue.Hash(fields));
    }

    private CompletionStage<Void> store(String key, DirectValue value) {
        if (!values.containsKey(key) && values.size() >= maximumKeys) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("the in-memory direct store is full (" + maximumKeys + " keys)"));
        }
        values.put(key, value);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Boolean> delete(String key) {
        return CompletableFuture.completedFuture(values.remove(key) != null);
    }
}
