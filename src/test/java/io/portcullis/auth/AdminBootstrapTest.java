package io.portcullis.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.config.AuthConfig.BootstrapAdminConfig;
import io.portcullis.config.Secret;
import io.portcullis.store.InMemoryUserStore;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class AdminBootstrapTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T12:00:00Z"));
    private final PasswordHasher hasher = new PasswordHasher(8, 1, 1);
    private final Optional<BootstrapAdminConfig> config =
            Optional.of(new BootstrapAdminConfig("Ops", Secret.of("ops-password-1")));

    @Test
    void ensureWhenNoSuchUserThenCreatedAsAdminOnce() {
        InMemoryUserStore users = new InMemoryUserStore(10);
        AdminBootstrap bootstrap = new AdminBootstrap(config, users, hasher, clock);
        bootstrap.ensure();
        bootstrap.ensure();
        User ops = users.findByUsername("ops").toCompletableFuture().join().orElseThrow();
        assertEquals(List.of("user", "admin"), ops.roles());
        assertTrue(hasher.verify("ops-password-1", ops.passwordHash()));
        assertEquals(
                1,
                users.list("", Optional.empty(), 10)
                        .toCompletableFuture()
                        .join()
                        .size());
    }

    @Test
    void ensureWhenUserExistsThenLeftAsItIs() {
        InMemoryUserStore users = new InMemoryUserStore(10);
        User existing = new User("id-1", "ops", hasher.hash("another password"), List.of("user"));
        users.create(existing);
        new AdminBootstrap(config, users, hasher, clock).ensure();
        assertEquals(
                existing,
                users.findByUsername("ops").toCompletableFuture().join().orElseThrow());
    }

    @Test
    void ensureWhenStoreUnavailableThenRetriedAfterTheBackOffOnly() {
        UserStore users = mock(UserStore.class);
        when(users.create(any()))
                .thenReturn(
                        CompletableFuture.failedFuture(new StoreUnavailableException("down")),
                        CompletableFuture.completedFuture(true));
        AdminBootstrap bootstrap = new AdminBootstrap(config, users, hasher, clock);
        bootstrap.ensure();
        bootstrap.ensure();
        verify(users, times(1)).create(any());
        clock.advance(AdminBootstrap.RETRY_EVERY.plus(Duration.ofMillis(1)));
        bootstrap.ensure();
        bootstrap.ensure();
        verify(users, times(2)).create(any());
    }

    @Test
    void ensureWhenNotConfiguredThenStoreUntouched() {
        UserStore users = mock(UserStore.class);
        new AdminBootstrap(Optional.empty(), users, hasher, clock).ensure();
        verify(users, never()).create(any());
    }
}
