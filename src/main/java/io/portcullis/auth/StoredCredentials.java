package io.portcullis.auth;

import io.portcullis.chain.StoreWait;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;

/**
 * Users of {@code auth.users: memory | redis}: looked up in the {@link UserStore} by canonical username,
 * password checked against the stored Argon2id hash; an unknown user costs one dummy verification, so the
 * timing does not tell whether the name exists. A disabled user is refused as a wrong password is, and is not
 * {@link #find found}. Thread-safe.
 */
final class StoredCredentials implements CredentialChecker {
    private final StoreWait storeWait;
    private final UserStore users;
    private final PasswordHasher hasher;

    StoredCredentials(UserStore users, PasswordHasher hasher) {
        this(users, hasher, StoreWait.DEFAULT);
    }

    /** @param storeWait the bound on every wait for a store's answer */
    StoredCredentials(UserStore users, PasswordHasher hasher, StoreWait storeWait) {
        this.storeWait = storeWait;
        this.users = users;
        this.hasher = hasher;
    }

    @Override
    public Optional<Account> check(HttpServletRequest request, String username, String canonical, String password) {
        Optional<User> user = storeWait.result(users.findByUsername(canonical));
        if (user.isEmpty()) {
            hasher.verifyAgainstDummy(password);
            return Optional.empty();
        }
        // A disabled account answers as a wrong password does (after the same work), so a login does not tell
        // anyone but an admin that the account exists and is disabled.
        if (!hasher.verify(password, user.get().passwordHash()) || user.get().disabled()) {
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
        // A disabled account has no live account: its refresh is refused and its session ended.
        return storeWait
                .result(users.findById(userId))
                .filter(user -> !user.disabled())
                .map(StoredCredentials::account);
    }

    private static Account account(User user) {
        return new Account(user.id(), user.username(), user.roles(), false);
    }
}
