package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.auth.User;
import io.portcullis.auth.UserStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link UserStore} does; subclasses supply the implementation. */
abstract class UserStoreContract {
    private UserStore store;

    protected abstract UserStore create();

    @BeforeEach
    void setUp() {
        store = create();
    }

    @Test
    void createWhenNewThenFoundByUsernameAndId() {
        User alice = new User("u1", "alice", "$argon2id$v=19$...", List.of("orders", "admin"));
        assertTrue(store.create(alice).toCompletableFuture().join());
        assertEquals(alice, store.findByUsername("alice").toCompletableFuture().join().orElseThrow());
        assertEquals(alice, store.findById("u1").toCompletableFuture().join().orElseThrow());
    }

    @Test
    void createWhenNoRolesThenEmptyRolesBack() {
        store.create(new User("u1", "alice", "h", List.of())).toCompletableFuture().join();
        assertEquals(List.of(), store.findById("u1").toCompletableFuture().join().orElseThrow().roles());
    }

    @Test
    void createWhenUsernameTakenThenFalseAndOriginalKept() {
        User alice = new User("u1", "alice", "h1", List.of());
        store.create(alice).toCompletableFuture().join();
        assertFalse(store.create(new User("u2", "alice", "h2", List.of())).toCompletableFuture().join());
        assertEquals(alice, store.findByUsername("alice").toCompletableFuture().join().orElseThrow());
        assertTrue(store.findById("u2").toCompletableFuture().join().isEmpty());
    }

    @Test
    void findWhenUnknownThenEmpty() {
        assertTrue(store.findByUsername("nobody").toCompletableFuture().join().isEmpty());
        assertTrue(store.findById("nobody").toCompletableFuture().join().isEmpty());
    }

    @Test
    void createWhenManyRaceForOneUsernameThenExactlyOneWins() {
        List<CompletableFuture<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 32; i++) {
            User user = new User("id" + i, "popular", "h" + i, List.of());
            attempts.add(CompletableFuture.supplyAsync(() -> store.create(user).toCompletableFuture().join()));
        }
        long winners = attempts.stream().map(CompletableFuture::join).filter(Boolean::booleanValue).count();
        assertEquals(1, winners);
        String winnerId = store.findByUsername("popular").toCompletableFuture().join().orElseThrow().id();
        assertTrue(store.findById(winnerId).toCompletableFuture().join().isPresent());
    }
}
