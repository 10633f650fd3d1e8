package io.portcullis.store;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.portcullis.auth.User;
import io.portcullis.auth.UserStore;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link UserStore} in Redis: a hash per username (created atomically by {@code user-create.lua}) and an
 * id → username index. The index is written first and checked on every read, so a crash between the two
 * writes leaves no user reachable by a wrong id. Thread-safe.
 */
final class RedisUserStore implements UserStore {
    /** Separates roles in the hash field; roles never contain it. */
    static final String ROLE_SEPARATOR = "\u001f";

    private final RedisConnector redis;
    private final RedisKeys keys;

    RedisUserStore(RedisConnector redis, RedisKeys keys) {
        this.redis = redis;
        this.keys = keys;
    }

    @Override
    public CompletionStage<Boolean> create(User user) {
        String indexKey = keys.userId(user.id());
        return redis.call(indexKey, c -> c.set(indexKey, user.username(), SetArgs.Builder.nx())).thenCompose(indexed -> {
            if (indexed == null) {
                return CompletableFuture.failedFuture(new IllegalArgumentException("user id already in use"));
            }
            return redis.<Long>eval(LuaScript.USER_CREATE, ScriptOutputType.INTEGER,
                    new String[] {keys.user(user.username())}, user.id(), user.username(), user.passwordHash(),
                    String.join(ROLE_SEPARATOR, user.roles())).thenCompose(created -> created == 1
                            ? CompletableFuture.completedFuture(true)
                            : redis.call(indexKey, c -> c.del(indexKey)).thenApply(deleted -> false));
        });
    }

    @Override
    public CompletionStage<Optional<User>> findByUsername(String username) {
        return redis.call(keys.user(username), c -> c.hgetall(keys.user(username))).thenApply(RedisUserStore::user);
    }

    @Override
    public CompletionStage<Optional<User>> findById(String id) {
        return redis.call(keys.userId(id), c -> c.get(keys.userId(id))).thenCompose(username -> username == null
                ? CompletableFuture.completedFuture(Optional.<User>empty())
                : findByUsername(username).thenApply(user -> user.filter(u -> u.id().equals(id))));
    }

    private static Optional<User> user(Map<String, String> fields) {
        if (fields == null || fields.get("id") == null) {
            return Optional.empty();
        }
        String roles = fields.getOrDefault("roles", "");
        return Optional.of(new User(fields.get("id"), fields.get("username"), fields.get("hash"),
                roles.isEmpty() ? List.of() : Arrays.asList(roles.split(ROLE_SEPARATOR))));
    }
}
