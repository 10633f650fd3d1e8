package io.portcullis.store;

import io.portcullis.auth.User;
import io.portcullis.auth.UserStore;
import io.portcullis.chain.StoreUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.function.UnaryOperator;

/**
 * {@link UserStore} for one node. Users are never evicted: past {@code maximumUsers} a registration fails
 * with {@link StoreUnavailableException} rather than dropping an account. Thread-safe: reads take no lock;
 * writes are serialised on the store, which keeps the last-admin rule exact.
 */
public final class InMemoryUserStore implements UserStore {
    /** Default bound on users. */
    public static final int DEFAULT_MAXIMUM_USERS = 100_000;

    private final ConcurrentNavigableMap<String, User> byUsername = new ConcurrentSkipListMap<>();
    private final ConcurrentMap<String, User> byId = new ConcurrentHashMap<>();
    private final int maximumUsers;

    public InMemoryUserStore(int maximumUsers) {
        this.maximumUsers = maximumUsers;
    }

    @Override
    public synchronized CompletionStage<Boolean> create(User user) {
        if (byUsername.size() >= maximumUsers) {
            return CompletableFuture.failedFuture(
                    new StoreUnavailableException("the in-memory user store is full (" + maximumUsers + " users)"));
        }
        if (byUsername.putIfAbsent(user.username(), user) != null) {
            return CompletableFuture.completedFuture(false);
        }
        byId.put(user.id(), user);
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public CompletionStage<Optional<User>> findByUsername(String username) {
        return CompletableFuture.completedFuture(Optional.ofNullable(byUsername.get(username)));
    }

    @Override
    public CompletionStage<Optional<User>> findById(String id) {
        return CompletableFuture.completedFuture(Optional.ofNullable(byId.get(id)));
    }

    @Override
    public CompletionStage<List<User>> list(String prefix, Optional<String> after, int limit) {
        ConcurrentNavigableMap<String, User> from = after.filter(a -> a.compareTo(prefix) >= 0)
                .map(a -> byUsername.tailMap(a, false))
                .orElseGet(() -> byUsername.tailMap(prefix, true));
        List<User> page = new ArrayList<>();
        for (Map.Entry<String, User> entry : from.entrySet()) {
            if (page.size() >= limit || !entry.getKey().startsWith(prefix)) {
                break;
            }
            page.add(entry.getValue());
        }
        return CompletableFuture.completedFuture(List.copyOf(page));
    }

    @Override
    public CompletionStage<Change> grantRole(String id, String role) {
        return change(id, user -> {
            if (user.roles().contains(role)) {
                return user;
            }
            List<String> roles = new ArrayList<>(user.roles());
            roles.add(role);
            return new User(user.id(), user.username(), user.passwordHash(), roles, user.disabled());
        });
    }

    @Override
    public CompletionStage<Change> revokeRole(String id, String role) {
        return change(
                id,
                user -> new User(
                        user.id(),
                        user.username(),
                        user.passwordHash(),
                        user.roles().stream().filter(r -> !r.equals(role)).toList(),
                        user.disabled()));
    }

    @Override
    public CompletionStage<Change> setDisabled(String id, boolean disabled) {
        return change(id, user -> new User(user.id(), user.username(), user.passwordHash(), user.roles(), disabled));
    }

    private synchronized CompletionStage<Change> change(String id, UnaryOperator<User> edit) {
        User user = byId.get(id);
        if (user == null) {
            return CompletableFuture.completedFuture(Change.NO_SUCH_USER);
        }
        User changed = edit.apply(user);
        if (user.isActiveAdmin()
                && !changed.isActiveAdmin()
                && byId.values().stream().filter(User::isActiveAdmin).count() <= 1) {
            return CompletableFuture.completedFuture(Change.LAST_ADMIN);
        }
        byId.put(id, changed);
        byUsername.put(changed.username(), changed);
        return CompletableFuture.completedFuture(Change.DONE);
    }
}
