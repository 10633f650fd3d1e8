package io.portcullis.auth;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import java.security.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users of {@code auth.users: container}: the servlet container's realm (a Tomcat {@code Realm}, a Jetty
 * {@code LoginService}) checks the password through {@link HttpServletRequest#login}, and the request is
 * logged out again at once, so no container session is made. The user id is the principal's name. Roles
 * are the names in {@code probedRoles} for which {@link HttpServletRequest#isUserInRole} says yes: the
 * Servlet API cannot list a principal's roles, and the gateway only needs those that some route requires.
 * Thread-safe.
 */
final class ContainerCredentials implements CredentialChecker {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerCredentials.class);

    private final List<String> probedRoles;

    ContainerCredentials(Set<String> probedRoles) {
        this.probedRoles = probedRoles.stream().sorted().toList();
    }

    @Override
    public Optional<Account> check(HttpServletRequest request, String username, String canonical, String password) {
        try {
            request.login(username, password);
        } catch (ServletException e) {
            // Also what a container without a realm or LoginService says; the log shows which.
            LOG.debug("container login refused for a user: {}", e.getMessage());
            return Optional.empty();
        } catch (RuntimeException e) {
            LOG.warn("the container could not check a login ({}); is a realm configured?", e.toString());
            return Optional.empty();
        }
        try {
            Principal principal = request.getUserPrincipal();
            String name = principal != null && principal.getName() != null ? principal.getName() : username;
            List<String> roles = new ArrayList<>();
            for (String role : probedRoles) {
                if (request.isUserInRole(role)) {
                    roles.add(role);
                }
            }
            return Optional.of(new Account(name, name, roles, true));
        } finally {
            try {
                request.logout();
            } catch (ServletException | RuntimeException e) {
                LOG.debug("container logout after the login check failed: {}", e.toString());
            }
        }
    }

    @Override
    public boolean registrationPossible() {
        return false;
    }

    @Override
    public Optional<Account> find(String userId, List<String> tokenRoles) {
        // The realm cannot be asked without the password: the token's subject and roles are the account.
        return Optional.of(new Account(userId, userId, tokenRoles, true));
    }
}
