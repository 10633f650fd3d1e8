package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.auth.Rotation;
import io.portcullis.auth.RotationResult;
import io.portcullis.auth.RotationResult.Outcome;
import io.portcullis.auth.Session;
import io.portcullis.auth.SessionStore;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link SessionStore} does; subclasses supply the implementation. */
abstract class SessionStoreContract {
    static final SessionPolicy POLICY = new SessionPolicy(Duration.ofHours(24), Duration.ofSeconds(30));
    static final Duration REFRESH_TTL = Duration.ofDays(7);

    protected final MutableClock clock = MutableClock.atSystemTime();
    private SessionStore store;

    protected abstract SessionStore create(MutableClock clock, SessionPolicy policy);

    @BeforeEach
    void setUp() {
        store = create(clock, POLICY);
    }

    private Session login(String sid, String user, String tokenHash) {
        Session session = new Session(
                sid, user, clock.instant(), clock.instant(), clock.instant().plus(REFRESH_TTL));
        store.create(session, tokenHash).toCompletableFuture().join();
        return session;
    }

    private RotationResult rotate(String sid, String presented, String successor) {
        return store.rotate(new Rotation(sid, presented, successor, "env-" + successor))
                .toCompletableFuture()
                .join();
    }

    @Test
    void findByTokenWhenCurrentTokenThenSessionElseEmpty() {
        login("s1", "alice", "h0");
        assertEquals(
                "alice",
                store.findByToken("s1", "h0")
                        .toCompletableFuture()
                        .join()
                        .orElseThrow()
                        .userId());
        assertTrue(
                store.findByToken("s1", "h-other").toCompletableFuture().join().isEmpty());
        rotate("s1", "h0", "h1");
        assertTrue(store.findByToken("s1", "h0").toCompletableFuture().join().isEmpty(), "a spent token");
        assertTrue(store.findByToken("s1", "h1").toCompletableFuture().join().isPresent());
        assertTrue(store.findByToken("s2", "h1").toCompletableFuture().join().isEmpty(), "another session");
        clock.advance(POLICY.idleTimeout());
        assertTrue(store.findByToken("s1", "h1").toCompletableFuture().join().isEmpty(), "idle");
    }

    @Test
    void rotateWhenCurrentTokenThenRotatedToSuccessor() {
        login("s1", "alice", "h0");
        RotationResult result = rotate("s1", "h0", "h1");
        assertEquals(Outcome.ROTATED, result.outcome());
        assertEquals("h1", result.successorHash().orElseThrow());
        assertEquals("alice", result.session().orElseThrow().userId());
        assertEquals(Outcome.ROTATED, rotate("s1", "h1", "h2").outcome());
    }

    @Test
    void rotateWhenJustSpentTokenWithinGraceThenSameSuccessor() {
        login("s1", "alice", "h0");
        rotate("s1", "h0", "h1");
        clock.advance(Duration.ofSeconds(10));
        RotationResult replay = rotate("s1", "h0", "h1-other");
        assertEquals(Outcome.GRACE, replay.outcome());
        assertEquals("h1", replay.successorHash().orElseThrow());
        assertEquals("env-h1", replay.successorEnvelope().orElseThrow());
        assertEquals(Outcome.ROTATED, rotate("s1", "h1", "h2").outcome(), "the successor is still current");
    }

    @Test
    void rotateWhenSpentTokenAfterGraceThenReusedAndSessionEnded() {
        login("s1", "alice", "h0");
        rotate("s1", "h0", "h1");
        clock.advance(Duration.ofSeconds(31));
        RotationResult reuse = rotate("s1", "h0", "h9");
        assertEquals(Outcome.REUSED, reuse.outcome());
        assertEquals("alice", reuse.session().orElseThrow().userId());
        assertTrue(store.find("s1").toCompletableFuture().join().isEmpty());
        assertEquals(Outcome.UNKNOWN, rotate("s1", "h1", "h2").outcome(), "the successor died with the session");
    }

    @Test
    void rotateWhenOlderSpentTokenThenReused() {
        login("s1", "alice", "h0");
        rotate("s1", "h0", "h1");
        rotate("s1", "h1", "h2");
        assertEquals(Outcome.REUSED, rotate("s1", "h0", "h9").outcome());
    }

    @Test
    void rotateWhenUnknownSessionOrForeignTokenThenUnknownAndNothingChanges() {
        assertEquals(Outcome.UNKNOWN, rotate("nope", "h0", "h1").outcome());
        login("s1", "alice", "h0");
        assertEquals(Outcome.UNKNOWN, rotate("s1", "forged", "h1").outcome());
        assertEquals(Outcome.ROTATED, rotate("s1", "h0", "h1").outcome());
    }

    @Test
    void rotateWhenIdleTooLongThenExpired() {
        login("s1", "alice", "h0");
        clock.advance(Duration.ofHours(24));
        // EXPIRED while the store still holds the session, UNKNOWN once it has dropped it (its TTL ran out).
        assertTrue(EnumSet.of(Outcome.EXPIRED, Outcome.UNKNOWN)
                .contains(rotate("s1", "h0", "h1").outcome()));
        assertTrue(store.find("s1").toCompletableFuture().join().isEmpty());
    }

    @Test
    void rotateWhenUsedThenIdleClockRestarts() {
        login("s1", "alice", "h0");
        clock.advance(Duration.ofHours(20));
        rotate("s1", "h0", "h1");
        clock.advance(Duration.ofHours(20));
        assertEquals(Outcome.ROTATED, rotate("s1", "h1", "h2").outcome());
        assertTrue(store.find("s1").toCompletableFuture().join().isPresent());
    }

    @Test
    void endWhenAliveThenGoneAndTokensUnknown() {
        login("s1", "alice", "h0");
        assertTrue(store.end("s1").toCompletableFuture().join());
        assertFalse(store.end("s1").toCompletableFuture().join());
        assertTrue(store.find("s1").toCompletableFuture().join().isEmpty());
        assertEquals(Outcome.UNKNOWN, rotate("s1", "h0", "h1").outcome());
    }

    @Test
    void listAndEndAllWhenSeveralSessionsThenOnlyThatUsers() {
        login("s1", "alice", "a1");
        clock.advance(Duration.ofSeconds(1));
        login("s2", "alice", "a2");
        login("s3", "bob", "b1");
        assertEquals(
                List.of("s1", "s2"),
                store.listByUser("alice").toCompletableFuture().join().stream()
                        .map(Session::sid)
                        .toList());
        assertEquals(2, store.endAll("alice").toCompletableFuture().join().size());
        assertTrue(store.listByUser("alice").toCompletableFuture().join().isEmpty());
        assertEquals(1, store.listByUser("bob").toCompletableFuture().join().size());
        assertEquals(Outcome.UNKNOWN, rotate("s2", "a2", "x").outcome());
    }

    @Test
    void rotateWhenTwoRaceForTheSameTokenThenBothGetTheSameSuccessor() throws Exception {
        for (int round = 0; round < 20; round++) {
            String sid = "race" + round;
            login(sid, "alice", "h0");
            CountDownLatch go = new CountDownLatch(1);
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                Future<RotationResult> a = pool.submit(() -> {
                    go.await();
                    return rotate(sid, "h0", "tab-a");
                });
                Future<RotationResult> b = pool.submit(() -> {
                    go.await();
                    return rotate(sid, "h0", "tab-b");
                });
                go.countDown();
                RotationResult ra = a.get(10, TimeUnit.SECONDS);
                RotationResult rb = b.get(10, TimeUnit.SECONDS);
                assertEquals(EnumSet.of(Outcome.ROTATED, Outcome.GRACE), EnumSet.of(ra.outcome(), rb.outcome()));
                assertEquals(ra.successorHash(), rb.successorHash());
                assertEquals(ra.successorEnvelope(), rb.successorEnvelope());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void createWhenConcurrentLoginsThenEveryOneListed() {
        List<CompletableFuture<Void>> logins = new java.util.ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Session session = new Session(
                    "c" + i,
                    "carol",
                    clock.instant(),
                    clock.instant(),
                    clock.instant().plus(REFRESH_TTL));
            logins.add(store.create(session, "h" + i).toCompletableFuture());
        }
        CompletableFuture.allOf(logins.toArray(CompletableFuture[]::new)).join();
        assertEquals(50, store.listByUser("carol").toCompletableFuture().join().size());
    }
}
