package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.jwt.VerifiedTokenStore;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link VerifiedTokenStore} does; subclasses supply the implementation. */
abstract class VerifiedTokenStoreContract {
    protected final MutableClock clock = MutableClock.atSystemTime();
    private VerifiedTokenStore store;

    protected abstract VerifiedTokenStore create(MutableClock clock);

    @BeforeEach
    void setUp() {
        store = create(clock);
    }

    @Test
    void getWhenPutBeforeExpThenPayload() {
        store.put("t1", "{\"sub\":\"alice\"}", clock.instant().plus(Duration.ofMinutes(5)))
                .toCompletableFuture()
                .join();
        assertEquals(
                "{\"sub\":\"alice\"}",
                store.get("t1").toCompletableFuture().join().orElseThrow());
    }

    @Test
    void putWhenAlreadyExpiredThenNothingStored() {
        store.put("t1", "{}", clock.instant().minusSeconds(1))
                .toCompletableFuture()
                .join();
        assertTrue(store.get("t1").toCompletableFuture().join().isEmpty());
    }

    @Test
    void getWhenUnknownThenEmpty() {
        assertTrue(store.get("nope").toCompletableFuture().join().isEmpty());
    }
}
