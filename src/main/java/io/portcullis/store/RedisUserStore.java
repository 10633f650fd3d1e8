package io.portcullis.store;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.portcullis.auth.User;
import io.portcullis.auth.UserStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@link UserStore} in Redis: a hash per username (created atomically by {@code user-create.lua}, changed
 * atomically by {@code user-update.lua}) and an id → username index. The index is written first and checked on
 * every read, so a crash between the two writes leaves no user reachable by a wrong id. A sorted set of every
 * username serves {@link #list}; a set of the enabled admins' ids guards the last one ({@code admin-release.lua}
 * takes an admin out of it unless it is the last, before the hash changes). Every command touches one key, so
 * each runs on its own Cluster slot. Thread-safe.
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
        return redis.call(indexKey, c -> c.set(indexKey, user.username(), SetArgs.Builder.nx()))
                .thenCompose(indexed -> {
                    if (indexed == null) {
                        return CompletableFuture.failedFuture(new IllegalArgumentException("user id already in use"));
                    }
                    return redis.<Long>eval(
                                    LuaScript.USER_CREATE,
                                    ScriptOutputType.INTEGER,
                                    new String[] {keys.user(user.username())},
                                    user.id(),
                                    user.username(),
                                    user.passwordHash(),
                                    String.join(ROLE_SEPARATOR, user.roles()))
                            .thenCompose(created -> created == 1
                                    ? indexed(user).thenApply(done -> true)
                                    : redis.call(indexKey, c -> c.del(indexKey)).thenApply(deleted -> false));
                });
    }

    /** Lists the new user, and counts it among the admins when it is one. */
    private CompletionStage<Void> indexed(User user) {
        CompletableFuture<Long> listed =
                redis.call(keys.usernames(), c -> c.zadd(keys.usernames(), 0, user.username()));
        CompletableFuture<Long> admin = user.isActiveAdmin()
                ? redis.call(keys.admins(), c -> c.sadd(keys.admins(), user.id()))
                : CompletableFuture.completedFuture(0L);
        return CompletableFuture.allOf(listed, admin);
    }

    @Override
    public CompletionStage<Optional<User>> findByUsername(String username) {
        return redis.call(keys.user(username), c -> c.hgetall(keys.user(username)))
                .thenApply(RedisUserStore::user);
    }

    @Override
    public CompletionStage<Optional<User>> findById(String id) {
        return redis.call(keys.userId(id), c -> c.get(keys.userId(id)))
                .thenCompose(username -> username == null
                        ? CompletableFuture.completedFuture(Optional.<User>empty())
                        : findByUsername(username).thenApply(user -> user.filter(u -> u.id().equals(id))));
    }

    @Override
    public CompletionStage<List<User>> list(String prefix, Optional<String> after, int limit) {
        Range.Boundary<String> lower = after.filter(a -> a.compareTo(prefix) >= 0)
                .map(Range.Boundary::excluding)
                .orElseGet(() -> prefix.isEmpty() ? Range.Boundary.unbounded() : Range.Boundary.including(prefix));
        return redis.call(
                        keys.usernames(),
                        c -> c.zrangebylex(
                                keys.usernames(),
                                Range.from(lower, Range.Boundary.<String>unbounded()),
                                Limit.create(0, limit)))
                .thenCompose(names -> {
                    // Names sharing a prefix are contiguous in byte order: the page ends at the first that does not.
                    List<CompletableFuture<Optional<User>>> reads = new ArrayList<>();
                    for (String name : names) {
                        if (!name.startsWith(prefix)) {
                            break;
                        }
                        reads.add(findByUsername(name).toCompletableFuture());
                    }
                    return CompletableFuture.allOf(reads.toArray(CompletableFuture[]::new))
                            .thenApply(done -> reads.stream()
                                    .map(CompletableFuture::join)
                                    .flatMap(Optional::stream)
                                    .toList());
                });
    }

    @Override
    public CompletionStage<Change> grantRole(String id, String role) {
        return withUser(
                id,
                user -> update(user, "grant", role)
                        .thenCompose(change -> change == Change.DONE && ADMIN_ROLE.equals(role) && !user.disabled()
                                ? redis.call(keys.admins(), c -> c.sadd(keys.admins(), id))
                                        .thenApply(added -> change)
                                : CompletableFuture.completedFuture(change)));
    }

    @Override
    public CompletionStage<Change> revokeRole(String id, String role) {
        return withUser(
                id,
                user -> (ADMIN_ROLE.equals(role) ? release(user) : done())
                        .thenCompose(released -> released == Change.DONE
                                ? update(user, "revoke", role)
                                : CompletableFuture.completedFuture(released)));
    }

    @Override
    public CompletionStage<Change> setDisabled(String id, boolean disabled) {
        if (disabled) {
            return withUser(
                    id,
                    user -> release(user)
                            .thenCompose(released -> released == Change.DONE
                                    ? update(user, "disable", "")
                                    : CompletableFuture.completedFuture(released)));
        }
        return withUser(
                id,
                user -> update(user, "enable", "")
                        .thenCompose(change ->
                                change == Change.DONE && user.roles().contains(ADMIN_ROLE)
                                        ? redis.call(keys.admins(), c -> c.sadd(keys.admins(), id))
                                                .thenApply(added -> change)
                                        : CompletableFuture.completedFuture(change)));
    }

    private CompletionStage<Change> withUser(String id, Function<User, CompletionStage<Change>> change) {
        return findById(id)
                .thenCompose(user -> user.isEmpty()
                        ? CompletableFuture.completedFuture(Change.NO_SUCH_USER)
                        : change.apply(user.get()));
    }

    /** Takes an enabled admin out of the admins' set, unless it is the last one. */
    private CompletionStage<Change> release(User user) {
        if (!user.isActiveAdmin()) {
            return done();
        }
        return redis.<Long>eval(
                        LuaScript.ADMIN_RELEASE, ScriptOutputType.INTEGER, new String[] {keys.admins()}, user.id())
                .thenApply(released -> released == 1 ? Change.DONE : Change.LAST_ADMIN);
    }

    private CompletionStage<Change> update(User user, String op, String role) {
        return redis.<Long>eval(
                        LuaScript.USER_UPDATE,
                        ScriptOutputType.INTEGER,
                        new String[] {keys.user(user.username())},
                        user.id(),
                        op,
                        role)
                .thenApply(result -> result == 1 ? Change.DONE : Change.NO_SUCH_USER);
    }

    private static CompletionStage<Change> done() {
        return CompletableFuture.completedFuture(Change.DONE);
    }

    private static Optional<User> user(Map<String, String> fields) {
        if (fields == null || fields.get("id") == null) {
            return Optional.empty();
        }
        String roles = fields.getOrDefault("roles", "");
        return Optional.of(new User(
                fields.get("id"),
                fields.get("username"),
                fields.get("hash"),
                roles.isEmpty() ? List.of() : Arrays.asList(roles.split(ROLE_SEPARATOR)),
                "1".equals(fields.get("disabled"))));
    }
}
