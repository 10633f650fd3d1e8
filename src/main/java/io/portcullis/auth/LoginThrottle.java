package io.portcullis.auth;

import io.portcullis.chain.StoreWait;
import io.portcullis.config.AuthConfig.LoginLimitsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Brute-force protection for login, counted before any password is checked: every attempt is first counted,
 * atomically and on every node ({@link LoginAttemptStore}), on three counters — the username from this client
 * address, this address whatever the username, and the username from every address — and only an attempt that
 * all of them let through has its password checked. Past a counter's free attempts the next one must wait an
 * exponential back-off, so of any number of concurrent guesses only the free ones are evaluated, and nothing is
 * locked for good. The username-wide counter, the one strangers could run up, does not hold back an address
 * that has logged in to that account before ({@code auth.limits.login.remember}). A success takes back only its
 * own count: the failures of other addresses stay counted. Unknown usernames are counted like known ones, so the
 * answers say nothing about which users exist. Thread-safe.
 */
final class LoginThrottle {
    private final StoreWait storeWait;
    private final LoginAttemptStore attempts;
    private final LoginLimitsConfig limits;
    private final LoginAttemptStore.Backoff backoff;

    LoginThrottle(LoginAttemptStore attempts, LoginLimitsConfig limits) {
        this(attempts, limits, StoreWait.DEFAULT);
    }

    /** @param storeWait the bound on every wait for a store's answer */
    LoginThrottle(LoginAttemptStore attempts, LoginLimitsConfig limits, StoreWait storeWait) {
        this.storeWait = storeWait;
        this.attempts = attempts;
        this.limits = limits;
        this.backoff = new LoginAttemptStore.Backoff(limits.backoff(), limits.maxBackoff(), limits.window());
    }

    /**
     * Counts one attempt, or refuses it.
     *
     * @return seconds to wait before trying again, or empty when the attempt was counted and its password may be
     *     checked
     */
    Optional<Long> attempt(String username, String address) {
        long wait = storeWait.result(attempts.attempt(addressGroup(address), backoff));
        if (wait == 0) {
            wait = storeWait.result(attempts.attempt(usernameGroup(username, address), backoff));
        }
        return wait == 0 ? Optional.empty() : Optional.of(Math.max(1, (wait + 999) / 1000));
    }

    /** The password was right: this attempt's count is taken back, and the address remembered for the user. */
    void succeeded(String username, String address) {
        storeWait.result(attempts.succeeded(usernameGroup(username, address), limits.remember()));
        storeWait.result(attempts.succeeded(addressGroup(address), Duration.ZERO));
    }

    /** The attempt was counted but its password never checked (the hash queue was full): its count is taken back. */
    void withdraw(String username, String address) {
        storeWait.result(attempts.succeeded(usernameGroup(username, address), Duration.ZERO));
        storeWait.result(attempts.succeeded(addressGroup(address), Duration.ZERO));
    }

    private List<LoginAttemptStore.Counter> addressGroup(String address) {
        return List.of(new LoginAttemptStore.Counter("{a:" + address + "}", limits.perAddress()));
    }

    /** Both keys carry the username's hash tag, so one script may touch them. */
    private List<LoginAttemptStore.Counter> usernameGroup(String username, String address) {
        return List.of(
                new LoginAttemptStore.Counter("{n:" + username + "}:a:" + address, limits.perUsernameAndAddress()),
                new LoginAttemptStore.Counter("{n:" + username + "}", limits.perUsername()));
    }
}
