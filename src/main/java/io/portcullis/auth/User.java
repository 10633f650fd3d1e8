package io.portcullis.auth;

import java.util.List;
import java.util.Objects;

/**
 * A registered user.
 *
 * @param id the user id, the {@code sub} of the user's tokens; never changes
 * @param username the normalised username (the caller normalises; stores compare exactly)
 * @param passwordHash the encoded password hash (algorithm and parameters included), never a password
 * @param roles what the user may do, copied into the {@code roles} claim
 */
public record User(String id, String username, String passwordHash, List<String> roles) {

    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(passwordHash, "passwordHash");
        roles = List.copyOf(roles);
    }

    @Override
    public String toString() {
        return "User[id=" + id + ", username=" + username + ", roles=" + roles + "]";
    }
}
