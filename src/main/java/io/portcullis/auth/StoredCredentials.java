package io.portcullis.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;

/**
 * Users of {@code auth.users: memory | redis}: looked up in the {@link UserStore} by canonical username,
 * password checked against the stored Argon2id hash; an unknown user costs one dummy verification, so the
 * timing does not tell whether the name exists. Thread-safe.
 */
final class StoredCredentials implements CredentialChecker {
    private final UserStore users;
    private final PasswordHasher hasher;

    StoredCredentials(UserStore users, PasswordHasher hasher) {
        this.users = users;
        this.hasher = hasher;
    }

    @Override
    public Optional<Account> check(HttpServletRequest request, String username, String canonical, String password) {
        Optional<User> user = Await.result(users.findByUsername(canonical));
        if (user.isEmpty()) {
            hasher.verifyAgainstDummy(password);
            return Optional.empty();
        }
        if (!hasher.verify(password, user.get().passwordHash())) {
            return Optional.empty();
        }
        return Optional.of(account(user.get()));
    }

    @Override
    public boolean registrationPossible() {
        return true;
    }

    @Override
    public Optional<Account> find(String userId, List<String> tokenRoles) {
        return Await.result(users.findById(userId)).map(StoredCredentials::account);
    }

    private static Account account(User user) {
        return new Account(user.id(), user.username(), user.roles(), false);
    }
}
