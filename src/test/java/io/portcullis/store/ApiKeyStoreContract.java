package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Quota;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ApiKeyStore} does; subclasses supply the implementation. */
abstract class ApiKeyStoreContract {
    private static final Instant T0 = Instant.parse("2026-11-23T10:00:00Z");

    private ApiKeyStore store;

    protected abstract ApiKeyStore create();

    /** Whether the store counts a charge in the round trip of its lookup (Redis) or leaves it to the rate-limit stage. */
    protected boolean countsWithCheck() {
        return false;
    }

    @BeforeEach
    void setUp() {
        store = create();
    }

    private ApiKey key(String id, String owner, int second) {
        return new ApiKey(id, owner, "key " + id, "sha-" + id, List.of("orders", "inventory"), T0.plusSeconds(second));
    }

    @Test
    void findByHashWhenIssuedThenFoundWithScopes() {
        ApiKey key = key("k1", "alice", 0);
        store.create(key).toCompletableFuture().join();
        assertEquals(
                key, store.findByHash("sha-k1").toCompletableFuture().join().orElseThrow());
        assertTrue(store.findByHash("sha-other").toCompletableFuture().join().isEmpty());
    }

    @Test
    void listByOwnerWhenSeveralOwnersThenOnlyTheirsOldestFirst() {
        store.create(key("k2", "alice", 2)).toCompletableFuture().join();
        store.create(key("k1", "alice", 1)).toCompletableFuture().join();
        store.create(key("k3", "bob", 0)).toCompletableFuture().join();
        assertEquals(
                List.of("k1", "k2"),
                store.listByOwner("alice").toCompletableFuture().join().stream()
                        .map(ApiKey::id)
                        .toList());
        assertTrue(store.listByOwner("carol").toCompletableFuture().join().isEmpty());
    }

    @Test
    void revokeWhenOwnerThenKeyStopsAtOnce() {
        store.create(key("k1", "alice", 0)).toCompletableFuture().join();
        assertTrue(store.revoke("alice", "k1").toCompletableFuture().join());
        assertTrue(store.findByHash("sha-k1").toCompletableFuture().join().isEmpty());
        assertTrue(store.listByOwner("alice").toCompletableFuture().join().isEmpty());
        assertFalse(store.revoke("alice", "k1").toCompletableFuture().join());
    }

    @Test
    void revokeWhenNotTheOwnerThenRefusedAndKeyKept() {
        store.create(key("k1", "alice", 0)).toCompletableFuture().join();
        assertFalse(store.revoke("mallory", "k1").toCompletableFuture().join());
        assertTrue(store.findByHash("sha-k1").toCompletableFuture().join().isPresent());
    }

    private Checked<Optional<ApiKey>> findAndCount(String sha256) {
        Charge charge = new Charge("k:k1", "default", new Quota(5, Duration.ofMinutes(1)));
        return store.findByHash(sha256, found -> Optional.of(charge))
                .toCompletableFuture()
                .join();
    }

    @Test
    void findByHashWithChargeWhenIssuedThenFoundEveryTimeAndCountedOnlyByAStoreThatCombines() {
        ApiKey key = key("k1", "alice", 0);
        store.create(key).toCompletableFuture().join();

        Checked<Optional<ApiKey>> first = findAndCount("sha-k1");
        Checked<Optional<ApiKey>> second = findAndCount("sha-k1");

        assertEquals(Checked.notCounted(Optional.of(key)), first, "a key seen for the first time is read, not counted");
        assertEquals(key, second.outcome().orElseThrow());
        assertEquals(countsWithCheck(), second.decision().isPresent(), second.toString());
    }

    @Test
    void findByHashWithChargeWhenUnknownOrRevokedThenEmptyAndNothingCounted() {
        store.create(key("k1", "alice", 0)).toCompletableFuture().join();
        findAndCount("sha-k1");
        assertTrue(store.revoke("alice", "k1").toCompletableFuture().join());

        assertEquals(Checked.notCounted(Optional.empty()), findAndCount("sha-k1"));
        assertEquals(Checked.notCounted(Optional.empty()), findAndCount("sha-unknown"));
    }
}
