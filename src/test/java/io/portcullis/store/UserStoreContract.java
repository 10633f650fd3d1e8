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
        assertEquals(
                alice,
                store.findByUsername("alice").toCompletableFuture().join().orElseThrow());
        assertEquals(alice, store.findById("u1").toCompletableFuture().join().orElseThrow());
    }

    @Test
    void createWhenNoRolesThenEmptyRolesBack() {
        store.create(new User("u1", "alice", "h", List.of()))
                .toCompletableFuture()
                .join();
        assertEquals(
                List.of(),
                store.findById("u1").toCompletableFuture().join().orElseThrow().roles());
    }

    @Test
    void createWhenUsernameTakenThenFalseAndOriginalKept() {
        User alice = new User("u1", "alice", "h1", List.of());
        store.create(alice).toCompletableFuture().join();
        assertFalse(store.create(new User("u2", "alice", "h2", List.of()))
                .toCompletableFuture()
                .join());
        assertEquals(
                alice,
                store.findByUsername("alice").toCompletableFuture().join().orElseThrow());
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
            attempts.add(CompletableFuture.supplyAsync(
                    () -> store.create(user).toCompletableFuture().join()));
        }
        long winners = attempts.stream()
                .map(CompletableFuture::join)
                .filter(Boolean::booleanValue)
                .count();
        assertEquals(1, winners);
        String winnerId = store.findByUsername("popular")
                .toCompletableFuture()
                .join()
                .orElseThrow()
                .id();
        assertTrue(store.findById(winnerId).toCompletableFuture().join().isPresent());
    }

    private User join(String id) {
        return store.findById(id).toCompletableFuture().join().orElseThrow();
    }

    private UserStore.Change change(java.util.concurrent.CompletionStage<UserStore.Change> call) {
        return call.toCompletableFuture().join();
    }

    private List<String> names(String prefix, java.util.Optional<String> after, int limit) {
        return store.list(prefix, after, limit).toCompletableFuture().join().stream()
                .map(User::username)
                .toList();
    }

    @Test
    void listWhenPrefixAndAfterThenPagesInUsernameOrder() {
        int i = 0;
        for (String name : List.of("bob", "ann", "annabel", "anna", "zed", "an")) {
            store.create(new User("id" + i++, name, "h", List.of()))
                    .toCompletableFuture()
                    .join();
        }
        assertEquals(List.of("ann", "anna"), names("ann", java.util.Optional.empty(), 2));
        assertEquals(List.of("annabel"), names("ann", java.util.Optional.of("anna"), 2));
        assertEquals(List.of(), names("ann", java.util.Optional.of("annabel"), 2));
        assertEquals(List.of("an", "ann", "anna", "annabel", "bob", "zed"), names("", java.util.Optional.empty(), 10));
        assertEquals(List.of("bob", "zed"), names("", java.util.Optional.of("annabel"), 10));
        // A cursor before the prefix starts at the prefix.
        assertEquals(List.of("ann"), names("ann", java.util.Optional.of("a"), 1));
        assertEquals(List.of(), names("x", java.util.Optional.empty(), 10));
        assertEquals(List.of(), names("bobby", java.util.Optional.empty(), 10));
    }

    @Test
    void listWhenUsersHaveRolesAndFlagsThenReturnedWhole() {
        store.create(new User("u1", "alice", "h1", List.of("user", "admin")))
                .toCompletableFuture()
                .join();
        assertEquals(
                List.of(new User("u1", "alice", "h1", List.of("user", "admin"))),
                store.list("", java.util.Optional.empty(), 5)
                        .toCompletableFuture()
                        .join());
    }

    @Test
    void grantAndRevokeRoleWhenUserExistsThenStoredOnceAndUnknownIsNoSuchUser() {
        store.create(new User("u1", "alice", "h", List.of("user")))
                .toCompletableFuture()
                .join();
        assertEquals(UserStore.Change.DONE, change(store.grantRole("u1", "orders")));
        assertEquals(UserStore.Change.DONE, change(store.grantRole("u1", "orders")));
        assertEquals(List.of("user", "orders"), join("u1").roles());
        assertEquals(
                List.of("user", "orders"),
                store.findByUsername("alice")
                        .toCompletableFuture()
                        .join()
                        .orElseThrow()
                        .roles());
        assertEquals(UserStore.Change.DONE, change(store.revokeRole("u1", "user")));
        assertEquals(List.of("orders"), join("u1").roles());
        assertEquals(UserStore.Change.DONE, change(store.revokeRole("u1", "never-held")));
        assertEquals(List.of("orders"), join("u1").roles());
        assertEquals("h", join("u1").passwordHash());
        assertEquals(UserStore.Change.NO_SUCH_USER, change(store.grantRole("nobody", "orders")));
        assertEquals(UserStore.Change.NO_SUCH_USER, change(store.revokeRole("nobody", "orders")));
        assertEquals(UserStore.Change.NO_SUCH_USER, change(store.setDisabled("nobody", true)));
    }

    @Test
    void setDisabledThenStoredAndClearedWithRolesKept() {
        store.create(new User("u1", "alice", "h", List.of("user")))
                .toCompletableFuture()
                .join();
        assertEquals(UserStore.Change.DONE, change(store.setDisabled("u1", true)));
        assertTrue(join("u1").disabled());
        assertTrue(store.findByUsername("alice")
                .toCompletableFuture()
                .join()
                .orElseThrow()
                .disabled());
        assertEquals(List.of("user"), join("u1").roles());
        assertEquals(UserStore.Change.DONE, change(store.setDisabled("u1", false)));
        assertFalse(join("u1").disabled());
    }

    @Test
    void revokeAdminOrDisableWhenLastEnabledAdminThenRefused() {
        store.create(new User("a1", "root", "h", List.of("user", "admin")))
                .toCompletableFuture()
                .join();
        store.create(new User("u2", "bob", "h", List.of("user")))
                .toCompletableFuture()
                .join();
        assertEquals(UserStore.Change.LAST_ADMIN, change(store.revokeRole("a1", "admin")));
        assertEquals(UserStore.Change.LAST_ADMIN, change(store.setDisabled("a1", true)));
        assertTrue(join("a1").isActiveAdmin());
        assertEquals(UserStore.Change.DONE, change(store.grantRole("u2", "admin")));
        assertEquals(UserStore.Change.DONE, change(store.setDisabled("u2", true)));
        // A disabled admin does not count.
        assertEquals(UserStore.Change.LAST_ADMIN, change(store.revokeRole("a1", "admin")));
        assertEquals(UserStore.Change.DONE, change(store.setDisabled("u2", false)));
        assertEquals(UserStore.Change.DONE, change(store.revokeRole("a1", "admin")));
        assertEquals(List.of("user"), join("a1").roles());
        assertEquals(UserStore.Change.LAST_ADMIN, change(store.revokeRole("u2", "admin")));
    }

    @Test
    void revokeAdminWhenTwoAdminsRemoveEachOtherAtOnceThenExactlyOneRemains() {
        store.create(new User("a0", "r0", "h", List.of("admin")))
                .toCompletableFuture()
                .join();
        String survivor = "a0";
        for (int round = 1; round <= 20; round++) {
            String newcomer = "a" + round;
            store.create(new User(newcomer, "r" + round, "h", List.of("admin")))
                    .toCompletableFuture()
                    .join();
            String old = survivor;
            CompletableFuture<UserStore.Change> first =
                    CompletableFuture.supplyAsync(() -> change(store.revokeRole(old, "admin")));
            CompletableFuture<UserStore.Change> second =
                    CompletableFuture.supplyAsync(() -> change(store.revokeRole(newcomer, "admin")));
            List<UserStore.Change> outcomes = List.of(first.join(), second.join());
            assertTrue(outcomes.contains(UserStore.Change.LAST_ADMIN), "round " + round + ": " + outcomes);
            List<User> admins = store.list("", java.util.Optional.empty(), 100).toCompletableFuture().join().stream()
                    .filter(User::isActiveAdmin)
                    .toList();
            assertEquals(1, admins.size(), "round " + round);
            survivor = admins.get(0).id();
        }
    }

    @Test
    void grantRoleWhenManyAtOnceThenEveryRoleKept() {
        store.create(new User("u1", "alice", "h", List.of()))
                .toCompletableFuture()
                .join();
        List<CompletableFuture<UserStore.Change>> grants = new ArrayList<>();
        for (int i = 0; i < 16; i++) {
            String role = "r" + i;
            grants.add(CompletableFuture.supplyAsync(() -> change(store.grantRole("u1", role))));
        }
        grants.forEach(CompletableFuture::join);
        assertEquals(16, join("u1").roles().size());
    }
}
