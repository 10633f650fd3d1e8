package io.portcullis.store;

import io.portcullis.auth.User;
import io.portcullis.auth.UserStore;
import io.portcullis.chain.StoreUnavailableException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link UserStore} for one node. Users are never evicted: past {@code maximumUsers} a registration fails
 * with {@link StoreUnavailableException} rather than dropping an account. Thread-safe.
 */
public final class InMemoryUserStore implements UserStore {
    /** Default bound on users. */
    public static final int DEFAULT_MAXIMUM_USERS = 100_000;

    private final ConcurrentMap<String, User> byUsername = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, User> byId = new ConcurrentHashMap<>();
    private final int maximumUsers;

    public InMemoryUserStore(int maximumUsers) {
        this.maximumUsers = maximumUsers;
    }

    @Override
    public CompletionStage<Boolean> create(User user) {
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
}
