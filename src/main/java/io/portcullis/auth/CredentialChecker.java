package io.portcullis.auth;

import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Optional;

/**
 * Checks a username and password ({@code auth.users}): {@link StoredCredentials} for {@code memory} and
 * {@code redis}, {@link ContainerCredentials} for {@code container}. Implementations take about as long
 * for an unknown user as for a wrong password, and are thread-safe.
 */
interface CredentialChecker {

    /**
     * @param request the login request (the container's realm is asked through it)
     * @param username the login name after NFKC normalisation, case kept
     * @param canonical the same after the case rules of {@link Usernames}
     * @return the account when the password is right; empty for a wrong password or an unknown user
     * @throws io.portcullis.chain.StoreUnavailableException when the user store cannot answer
     */
    Optional<Account> check(HttpServletRequest request, String username, String canonical, String password);

    /** Whether {@code register} can create users here (not in the container's realm). */
    boolean registrationPossible();

    /** The account behind a token subject, for {@code /me} and {@code /verify}; empty when it is gone. */
    Optional<Account> find(String userId, List<String> tokenRoles);
}
