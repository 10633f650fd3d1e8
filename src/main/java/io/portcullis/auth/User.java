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
 * @param disabled whether an administrator has disabled the account: no login, no refresh
 */
public record User(String id, String username, String passwordHash, List<String> roles, boolean disabled) {

    public User {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(passwordHash, "passwordHash");
        roles = List.copyOf(roles);
    }

    /** An enabled user. */
    public User(String id, String username, String passwordHash, List<String> roles) {
        this(id, username, passwordHash, roles, false);
    }

    /** Whether the account may log in and act as {@link UserStore#ADMIN_ROLE}. */
    public boolean isActiveAdmin() {
        return !disabled && roles.contains(UserStore.ADMIN_ROLE);
    }

    @Override
    public String toString() {
        return "User[id=" + id + ", username=" + username + ", roles=" + roles + ", disabled=" + disabled + "]";
    }
}
