package io.portcullis.auth;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Users of the embedded auth service. Usernames are unique: {@link #create} is atomic, so of two nodes
 * registering the same username at once exactly one succeeds. Usernames are compared exactly; the caller
 * normalises them (NFKC, case rules) before every call. The store keeps at least one active
 * {@link #ADMIN_ROLE admin} once there is one: a change that would take the role from the last enabled admin
 * (revoking it, disabling the account) is refused with {@link Change#LAST_ADMIN}, atomically across nodes.
 * Calls complete exceptionally with {@link io.portcullis.chain.StoreUnavailableException} when the store cannot
 * answer. Thread-safe.
 */
public interface UserStore {

    /** The role that may use the admin API. */
    String ADMIN_ROLE = "admin";

    /** What a change to a user came to. */
    enum Change {
        /** Done (or nothing to do: the user already was as asked). */
        DONE,
        /** There is no user with this id. */
        NO_SUCH_USER,
        /** Refused: the user is the last enabled admin. */
        LAST_ADMIN
    }

    /**
     * Stores a new user.
     *
     * @return true when stored; false when the username is taken (nothing is stored: 409)
     */
    CompletionStage<Boolean> create(User user);

    CompletionStage<Optional<User>> findByUsername(String username);

    CompletionStage<Optional<User>> findById(String id);

    /**
     * Users whose username starts with {@code prefix}, in the store's username order, after {@code after}
     * (exclusive; empty: from the first).
     *
     * @param limit the most users returned, at least 1
     */
    CompletionStage<List<User>> list(String prefix, Optional<String> after, int limit);

    /** Adds {@code role} to the user's roles. */
    CompletionStage<Change> grantRole(String id, String role);

    /** Takes {@code role} from the user; refused for the admin role of the last enabled admin. */
    CompletionStage<Change> revokeRole(String id, String role);

    /** Disables or enables the account; disabling the last enabled admin is refused. */
    CompletionStage<Change> setDisabled(String id, boolean disabled);
}
