package io.portcullis.auth;

import java.util.List;
import java.util.Objects;

/**
 * Who logged in, as the auth service issues tokens for them.
 *
 * @param userId the {@code sub} of their tokens
 * @param username the normalised username
 * @param roles the {@code roles} of their tokens (and their {@code scope})
 * @param fromContainer true for users of the container's realm, whose roles ride in the refresh token
 */
record Account(String userId, String username, List<String> roles, boolean fromContainer) {

    Account {
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(username, "username");
        roles = List.copyOf(roles);
    }
}
