package io.portcullis.store;

import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyStore;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link ApiKeyStore} in Redis: a hash per key hash (the hot-path lookup is one HGETALL) and a set of key
 * hashes per owner. Revoking deletes the hash, so every node refuses the key from its next request.
 * Thread-safe.
 */
final class RedisApiKeyStore implements ApiKeyStore {
    private final RedisConnector redis;
    private final RedisKeys keys;

    RedisApiKeyStore(RedisConnector redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public CompletionStage<Void> create(ApiKey key) {
        Map<String, String> fields = Map.of("id", key.id(), "owner", key.ownerId(), "name", key.name(),
                "scopes", String.join(RedisUserStore.ROLE_SEPARATOR, key.scopes()),
                "created", Long.toString(key.createdAt().toEpochMilli()));
        CompletableFuture<Long> written = redis.call(c -> c.hset(keys.apiKey(key.sha256()), fields));
        CompletableFuture<Long> indexed = redis.call(c -> c.sadd(keys.ownerApiKeys(key.ownerId()), key.sha256()));
        return CompletableFuture.allOf(written, indexed);
    }

    @Override
    public CompletionStage<Optional<ApiKey>> findByHash(String sha256) {
        return redis.call(c -> c.hgetall(keys.apiKey(sha256))).thenApply(fields -> apiKey(sha256, fields));
    }

    @Override
    public CompletionStage<List<ApiKey>> listByOwner(String ownerId) {
        String index = keys.ownerApiKeys(ownerId);
        return redis.call(c -> c.smembers(index))
                .thenCompose(hashes -> Futures.each(List.copyOf(hashes), h -> findByHash(h).toCompletableFuture()))
                .thenApply(found -> found.stream().flatMap(Optional::stream).filter(k -> k.ownerId().equals(ownerId))
                        .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id)).toList());
    }

    @Override
    public CompletionStage<Boolean> revoke(String ownerId, String id) {
        return listByOwner(ownerId).thenCompose(owned -> {
            Optional<ApiKey> target = owned.stream().filter(k -> k.id().equals(id)).findFirst();
            if (target.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            String hash = target.get().sha256();
            return redis.call(c -> c.del(keys.apiKey(hash)))
                    .thenCompose(deleted -> redis.call(c -> c.srem(keys.ownerApiKeys(ownerId), hash)))
                    .thenApply(removed -> true);
        });
    }

    private static Optional<ApiKey> apiKey(String sha256, Map<String, String> fields) {
        if (fields == null || fields.get("id") == null) {
            return Optional.empty();
        }
        String scopes = fields.getOrDefault("scopes", "");
        return Optional.of(new ApiKey(fields.get("id"), fields.get("owner"), fields.getOrDefault("name", ""), sha256,
                scopes.isEmpty() ? List.of() : Arrays.asList(scopes.split(RedisUserStore.ROLE_SEPARATOR)),
                Instant.ofEpochMilli(Long.parseLong(fields.getOrDefault("created", "0")))));
    }
}
