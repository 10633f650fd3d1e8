package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.auth.Session;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** TTLs of the in-memory stores follow the injected clock. */
class InMemoryExpiryTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));

    @Test
    void revocationWhenTokenWouldHaveExpiredThenForgotten() {
        InMemoryRevocationStore store = new InMemoryRevocationStore(clock, Duration.ofDays(8), 100);
        store.revokeToken("alice", "j1", clock.instant().plusSeconds(60));
        RevocationQuery query = new RevocationQuery("alice", Optional.of("j1"), Optional.empty(), clock.instant());
        assertEquals(
                RevocationStatus.REVOKED_TOKEN,
                store.check(query).toCompletableFuture().join());
        clock.advance(Duration.ofSeconds(60));
        assertEquals(
                RevocationStatus.ACTIVE,
                store.check(query).toCompletableFuture().join());
    }

    @Test
    void subjectMarkWhenRetentionPassedThenForgotten() {
        InMemoryRevocationStore store = new InMemoryRevocationStore(clock, Duration.ofDays(8), 100);
        Instant mark = clock.instant();
        store.revokeIssuedBefore("alice", mark);
        RevocationQuery old = new RevocationQuery("alice", Optional.empty(), Optional.empty(), mark.minusSeconds(1));
        clock.advance(Duration.ofDays(8).minusSeconds(1));
        assertEquals(
                RevocationStatus.REVOKED_SUBJECT,
                store.check(old).toCompletableFuture().join());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(
                RevocationStatus.ACTIVE, store.check(old).toCompletableFuture().join());
    }

    @Test
    void verifiedTokenWhenExpReachedOrCapPassedThenGone() {
        InMemoryVerifiedTokenStore store = new InMemoryVerifiedTokenStore(clock, Duration.ofMinutes(10), 100);
        store.put("short", "{}", clock.instant().plusSeconds(30));
        store.put("long", "{}", clock.instant().plus(Duration.ofDays(1)));
        clock.advance(Duration.ofSeconds(30));
        assertTrue(store.get("short").toCompletableFuture().join().isEmpty());
        assertTrue(store.get("long").toCompletableFuture().join().isPresent());
        clock.advance(Duration.ofMinutes(10));
        assertTrue(store.get("long").toCompletableFuture().join().isEmpty());
    }

    @Test
    void fixedWindowWhenWindowEndsThenCountingStartsAgain() {
        InMemoryRateLimiter limiter = InMemoryRateLimiter.fixedWindow(clock, 100);
        Quota quota = new Quota(1, Duration.ofMinutes(1));
        assertTrue(limiter.decide("b", "", quota).allowed());
        clock.advance(Duration.ofSeconds(20));
        Decision refused = limiter.decide("b", "", quota);
        assertEquals(Decision.Outcome.LIMITED, refused.outcome());
        assertEquals(40, refused.resetSeconds());
        clock.advance(Duration.ofSeconds(40));
        assertTrue(limiter.decide("b", "", quota).allowed());
    }

    @Test
    void counterWhenWindowEndsThenZero() {
        InMemoryCounterStore counters = new InMemoryCounterStore(clock, 100);
        counters.increment("k", Duration.ofMinutes(15));
        counters.increment("k", Duration.ofMinutes(15));
        clock.advance(Duration.ofMinutes(15));
        assertEquals(0, counters.peek("k").toCompletableFuture().join().value());
    }

    @Test
    void sessionWhenAbsoluteLifetimeEndsThenGoneFromListing() {
        InMemorySessionStore store =
                new InMemorySessionStore(clock, new SessionPolicy(Duration.ofDays(30), Duration.ofSeconds(30)), 100);
        store.create(
                new Session(
                        "s1",
                        "alice",
                        clock.instant(),
                        clock.instant(),
                        clock.instant().plusSeconds(3600)),
                "h");
        clock.advance(Duration.ofSeconds(3600));
        assertTrue(store.find("s1").toCompletableFuture().join().isEmpty());
        assertTrue(store.listByUser("alice").toCompletableFuture().join().isEmpty());
    }
}
