package io.portcullis.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * {@link ApiKeyStore} in Redis: a hash per key hash, a hot-path copy of the id and scopes under the tag of the
 * key's rate-limit bucket ({@code apikey:{k:<id>}}, so that the check and the count are one script on one
 * Cluster slot) and a set of key hashes per owner. Revoking deletes the copy, then the hash, so every node
 * refuses the key from its next request.
 *
 * <p>The hot path ({@link #findByHash(String, Function)}) asks Redis on every request. The first lookup of a
 * key on this node reads its record (HGETALL) and remembers it; after that, one EVALSHA confirms that the
 * record still exists with the remembered id and scopes ({@code api-key-match.lua}) and, in the same script,
 * counts the request's rate limit ({@link CheckThenCount}). What is remembered is only a hint for naming the
 * bucket: a key that was revoked is refused from its next request on every node exactly as before, and one
 * whose record changed is read again. At most {@code maximumRemembered} keys are remembered (the least used
 * are forgotten first and cost one HGETALL more when they come back). Thread-safe.
 */
final class RedisApiKeyStore implements ApiKeyStore {
    /** {@code api-key-match.lua}: the record is there, with the remembered id and scopes. */
    private static final long MATCHED = 0;
    /** Default bound on the issued keys one node remembers. */
    static final long DEFAULT_MAXIMUM_REMEMBERED = 100_000;

    private final RedisConnector redis;
    private final RedisKeys keys;
    private final CheckThenCount counting;
    private final Cache<String, ApiKey> remembered;

    RedisApiKeyStore(RedisConnector redis, RedisKeys keys, CheckThenCount counting, long maximumRemembered) {
        this.redis = redis;
        this.keys = keys;
        this.counting = counting;
        this.remembered = Caffeine.newBuilder()
                .maximumSize(maximumRemembered)
                .executor(Runnable::run)
                .build();
    }

    @Override
    public CompletionStage<Void> create(ApiKey key) {
        Map<String, String> fields = new HashMap<>(Map.of(
                "id",
                key.id(),
                "owner",
                key.ownerId(),
                "name",
                key.name(),
                "scopes",
                String.join(RedisUserStore.ROLE_SEPARATOR, key.scopes()),
                "created",
                Long.toString(key.createdAt().toEpochMilli())));
        key.expiresAt().ifPresent(at -> fields.put("expires", Long.toString(at.toEpochMilli())));
        Map<String, String> live = Map.of("id", key.id(), "scopes", fields.get("scopes"), "sha256", key.sha256());
        // Redis deletes an expiring key's record and its hot-path copy at its expiry, so every node refuses it
        // from then on.
        CompletableFuture<?> written = writeExpiring(keys.apiKey(key.sha256()), fields, key.expiresAt());
        CompletableFuture<?> hot = writeExpiring(keys.apiKeyLive(key.id()), live, key.expiresAt());
        // Record and copy first, then index: a hash in the index whose record is missing has expired or been
        // revoked, and listing prunes it.
        return CompletableFuture.allOf(written, hot)
                .thenCompose(done -> redis.call(
                        keys.ownerApiKeys(key.ownerId()), c -> c.sadd(keys.ownerApiKeys(key.ownerId()), key.sha256())))
                .thenApply(added -> null);
    }

    private CompletableFuture<?> writeExpiring(String key, Map<String, String> fields, Optional<Instant> expiresAt) {
        CompletableFuture<Long> written = redis.call(key, c -> c.hset(key, fields));
        return expiresAt.isEmpty()
                ? written
                : written.thenCompose(n ->
                        redis.call(key, c -> c.pexpireat(key, expiresAt.get().toEpochMilli())));
    }

    @Override
    public CompletionStage<Optional<ApiKey>> findByHash(String sha256) {
        return redis.call(keys.apiKey(sha256), c -> c.hgetall(keys.apiKey(sha256)))
                .thenApply(fields -> apiKey(sha256, fields));
    }

    @Override
    public CompletionStage<Checked<Optional<ApiKey>>> findByHash(
            String sha256, Function<ApiKey, Optional<Charge>> chargeFor) {
        ApiKey known = remembered.getIfPresent(sha256);
        Optional<Charge> charge = known == null ? Optional.empty() : chargeFor.apply(known);
        if (charge.isEmpty()) {
            return readAndRemember(sha256).thenApply(Checked::notCounted);
        }
        String[] matched = {known.id(), String.join(RedisUserStore.ROLE_SEPARATOR, known.scopes())};
        return counting.run(LuaScript.API_KEY_MATCH, new String[] {keys.apiKeyLive(known.id())}, matched, charge.get())
                .thenCompose(checked -> {
                    if (checked.outcome() == MATCHED) {
                        return CompletableFuture.completedFuture(new Checked<>(Optional.of(known), checked.decision()));
                    }
                    remembered.invalidate(sha256);
                    // No hot-path copy: revoked, or issued before the copy existed (read the record, which
                    // answers for both; such a key is counted by the rate-limit stage and costs a round trip more).
                    return readAndRemember(sha256).thenApply(Checked::notCounted);
                });
    }

    private CompletableFuture<Optional<ApiKey>> readAndRemember(String sha256) {
        return findByHash(sha256).toCompletableFuture().thenApply(found -> {
            found.ifPresentOrElse(key -> remembered.put(sha256, key), () -> remembered.invalidate(sha256));
            return found;
        });
    }

    @Override
    public CompletionStage<List<ApiKey>> listByOwner(String ownerId) {
        String index = keys.ownerApiKeys(ownerId);
        return redis.call(index, c -> c.smembers(index)).thenCompose(members -> {
            List<String> hashes = List.copyOf(members);
            return Futures.each(hashes, h -> findByHash(h).toCompletableFuture())
                    .thenCompose(found -> {
                        // Records that expired (or were revoked half-way) leave their hash in the index: prune it.
                        String[] gone = IntStream.range(0, hashes.size())
                                .filter(i -> found.get(i).isEmpty())
                                .mapToObj(hashes::get)
                                .toArray(String[]::new);
                        CompletableFuture<?> pruned = gone.length == 0
                                ? CompletableFuture.completedFuture(0L)
                                : redis.call(index, c -> c.srem(index, gone));
                        return pruned.thenApply(n -> found.stream()
                                .flatMap(Optional::stream)
                                .filter(k -> k.ownerId().equals(ownerId))
                                .sorted(Comparator.comparing(ApiKey::createdAt).thenComparing(ApiKey::id))
                                .toList());
                    });
        });
    }

    @Override
    public CompletionStage<Boolean> revoke(String ownerId, String id) {
        return listByOwner(ownerId).thenCompose(owned -> {
            Optional<ApiKey> target =
                    owned.stream().filter(k -> k.id().equals(id)).findFirst();
            if (target.isEmpty()) {
                return CompletableFuture.completedFuture(false);
            }
            String hash = target.get().sha256();
            remembered.invalidate(hash);
            // The hot-path copy first: from then on every node refuses the key on its next request.
            return redis.call(keys.apiKeyLive(id), c -> c.del(keys.apiKeyLive(id)))
                    .thenCompose(deleted -> redis.call(keys.apiKey(hash), c -> c.del(keys.apiKey(hash))))
                    .thenCompose(deleted ->
                            redis.call(keys.ownerApiKeys(ownerId), c -> c.srem(keys.ownerApiKeys(ownerId), hash)))
                    .thenApply(removed -> true);
        });
    }

    private static Optional<ApiKey> apiKey(String sha256, Map<String, String> fields) {
        if (fields == null || fields.get("id") == null) {
            return Optional.empty();
        }
        String scopes = fields.getOrDefault("scopes", "");
        return Optional.of(new ApiKey(
                fields.get("id"),
                fields.get("owner"),
                fields.getOrDefault("name", ""),
                sha256,
                scopes.isEmpty() ? List.of() : Arrays.asList(scopes.split(RedisUserStore.ROLE_SEPARATOR)),
                Instant.ofEpochMilli(Long.parseLong(fields.getOrDefault("created", "0"))),
                Optional.ofNullable(fields.get("expires")).map(ms -> Instant.ofEpochMilli(Long.parseLong(ms)))));
    }
}
