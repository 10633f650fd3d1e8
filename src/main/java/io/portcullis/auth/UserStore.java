package io.portcullis.auth;

import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Users of the embedded auth service. Usernames are unique: {@link #create} is atomic, so of two nodes
 * registering the same username at once exactly one succeeds. Usernames are compared exactly; the caller
 * normalises them (NFKC, case rules) before every call. Calls complete exceptionally with
 * {@link io.portcullis.chain.StoreUnavailableException} when the store cannot answer. Thread-safe.
 */
public interface UserStore {

    /**
     * Stores a new user.
     *
     * @return true when stored; false when the username is taken (nothing is stored: 409)
     */
    CompletionStage<Boolean> create(User user);

    CompletionStage<Optional<User>> findByUsername(String username);

    CompletionStage<Optional<User>> findById(String id);
}
