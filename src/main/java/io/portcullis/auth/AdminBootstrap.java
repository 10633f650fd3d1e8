package io.portcullis.auth;

import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.chain.StoreWait;
import io.portcullis.config.AuthConfig.BootstrapAdminConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the {@code auth.bootstrap-admin} user (roles {@code user} and {@code admin}) once, when no user of
 * that name exists; an existing user is left as it is, whatever its roles or password. The user store may be
 * unreachable at startup (Redis starting after the gateway), so {@link #ensure} is called before every auth
 * request until it has succeeded, at most once per {@link #RETRY_EVERY} and by one request at a time (the others
 * go on without waiting). Thread-safe.
 */
final class AdminBootstrap {
    static final List<String> ROLES = List.of("user", UserStore.ADMIN_ROLE);
    static final Duration RETRY_EVERY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);

    private final StoreWait storeWait;
    private final Optional<BootstrapAdminConfig> config;
    private final UserStore users;
    private final PasswordHasher hasher;
    private final Clock clock;
    private volatile boolean settled;
    private volatile long nextAttemptMillis = Long.MIN_VALUE;
    /** One attempt at a time; other requests go on instead of waiting behind a slow store. */
    private final AtomicBoolean attempting = new AtomicBoolean();
    /** Written and read only by the thread holding {@link #attempting}. */
    private String hash;

    AdminBootstrap(Optional<BootstrapAdminConfig> config, UserStore users, PasswordHasher hasher, Clock clock) {
        this(config, users, hasher, clock, StoreWait.DEFAULT);
    }

    /** @param storeWait the bound on every wait for a store's answer */
    AdminBootstrap(
            Optional<BootstrapAdminConfig> config,
            UserStore users,
            PasswordHasher hasher,
            Clock clock,
            StoreWait storeWait) {
        this.storeWait = storeWait;
        this.config = config;
        this.users = users;
        this.hasher = hasher;
        this.clock = clock;
        this.settled = config.isEmpty();
    }

    /** Creates the bootstrap admin unless done already or the store was tried less than {@link #RETRY_EVERY} ago. */
    void ensure() {
        if (settled || clock.millis() < nextAttemptMillis || !attempting.compareAndSet(false, true)) {
            return;
        }
        try {
            if (!settled && clock.millis() >= nextAttemptMillis) {
                nextAttemptMillis = clock.millis() + RETRY_EVERY.toMillis();
                attempt(config.orElseThrow());
            }
        } finally {
            attempting.set(false);
        }
    }

    private void attempt(BootstrapAdminConfig admin) {
        Optional<String> username = Usernames.normalise(admin.username());
        if (username.isEmpty()) {
            LOG.error("auth.bootstrap-admin.username: not a valid username; no bootstrap admin is created");
            settled = true;
            return;
        }
        try {
            if (hash == null) {
                String password = new String(admin.password().bytes(), StandardCharsets.UTF_8);
                Passwords.check(password);
                hash = hasher.hash(password);
            }
            boolean created =
                    storeWait.result(users.create(new User(TokenIssuer.randomId(), username.get(), hash, ROLES)));
            LOG.info(
                    created
                            ? "auth.bootstrap-admin: user '{}' created with the admin role"
                            : "auth.bootstrap-admin: user '{}' exists already and is left as it is",
                    username.get());
            settled = true;
        } catch (RequestFields.BadInput e) {
            LOG.error("auth.bootstrap-admin.password: {}; no bootstrap admin is created", e.getMessage());
            settled = true;
        } catch (StoreUnavailableException e) {
            LOG.warn(
                    "auth.bootstrap-admin: the user store is unavailable, retrying in {}: {}",
                    RETRY_EVERY,
                    e.getMessage());
        }
    }
}
