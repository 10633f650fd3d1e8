package io.portcullis.auth;

import io.portcullis.ratelimit.CounterStore;
import java.time.Duration;
import java.util.Optional;

/**
 * Brute-force protection for login: failed attempts are counted per normalised username and per client
 * address in the shared {@link CounterStore} (so every node sees them), and past a limit further attempts
 * are refused before any password is checked, until the window that started with the first failure ends.
 * A success clears the username's count, not the address's. Unknown usernames are counted like known
 * ones, so the answers say nothing about which users exist. Thread-safe.
 */
final class LoginThrottle {
    /** Failed logins allowed per username within {@link #WINDOW}; the next attempt gets 429. */
    static final int MAX_FAILURES_PER_USERNAME = 5;
    /** Failed logins allowed per client address within {@link #WINDOW}, whatever the usernames. */
    static final int MAX_FAILURES_PER_ADDRESS = 20;
    static final Duration WINDOW = Duration.ofMinutes(15);

    private final CounterStore counters;

    LoginThrottle(CounterStore counters) {
        this.counters = counters;
    }

    /** Seconds until another attempt is allowed, or empty when one is allowed now. */
    Optional<Long> blockedFor(String username, String address) {
        long wait = 0;
        CounterStore.Count byUser = Await.result(counters.peek(userKey(username)));
        if (byUser.value() >= MAX_FAILURES_PER_USERNAME) {
            wait = Math.max(1, byUser.resetSeconds());
        }
        CounterStore.Count byAddress = Await.result(counters.peek(addressKey(address)));
        if (byAddress.value() >= MAX_FAILURES_PER_ADDRESS) {
            wait = Math.max(wait, Math.max(1, byAddress.resetSeconds()));
        }
        return wait > 0 ? Optional.of(wait) : Optional.empty();
    }

    void recordFailure(String username, String address) {
        Await.result(counters.increment(userKey(username), WINDOW));
        Await.result(counters.increment(addressKey(address), WINDOW));
    }

    void recordSuccess(String username) {
        Await.result(counters.reset(userKey(username)));
    }

    private static String userKey(String username) {
        return "login-failures:u:" + username;
    }

    private static String addressKey(String address) {
        return "login-failures:a:" + address;
    }
}
