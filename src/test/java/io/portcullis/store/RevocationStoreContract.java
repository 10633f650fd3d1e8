package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Quota;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link RevocationStore} does; subclasses supply the implementation. */
abstract class RevocationStoreContract {
    static final Duration RETENTION = Duration.ofDays(8);

    protected final MutableClock clock = MutableClock.atSystemTime();
    private RevocationStore store;

    protected abstract RevocationStore create(MutableClock clock, Duration retention);

    /** Whether the store counts a charge in the round trip of its check (Redis) or leaves it to the rate-limit stage. */
    protected boolean countsWithCheck() {
        return false;
    }

    @BeforeEach
    void setUp() {
        store = create(clock, RETENTION);
    }

    private RevocationStatus check(String sub, String jti, String sid, Instant iat) {
        return store.check(new RevocationQuery(sub, Optional.ofNullable(jti), Optional.ofNullable(sid), iat))
                .toCompletableFuture()
                .join();
    }

    private Instant later() {
        return clock.instant().plus(Duration.ofMinutes(15));
    }

    @Test
    void checkWhenNothingRevokedThenActive() {
        assertEquals(RevocationStatus.ACTIVE, check("alice", "j1", "s1", clock.instant()));
    }

    @Test
    void checkWhenTokenRevokedThenRevokedTokenForThatJtiOnly() {
        store.revokeToken("alice", "j1", later()).toCompletableFuture().join();
        assertEquals(RevocationStatus.REVOKED_TOKEN, check("alice", "j1", "s1", clock.instant()));
        assertEquals(RevocationStatus.ACTIVE, check("alice", "j2", "s1", clock.instant()));
        assertEquals(RevocationStatus.ACTIVE, check("bob", "j1", "s1", clock.instant()));
    }

    @Test
    void checkWhenSessionRevokedThenRevokedSession() {
        store.revokeSession("alice", "s1", later()).toCompletableFuture().join();
        assertEquals(RevocationStatus.REVOKED_SESSION, check("alice", "j1", "s1", clock.instant()));
        assertEquals(RevocationStatus.ACTIVE, check("alice", "j1", "s2", clock.instant()));
        assertEquals(RevocationStatus.ACTIVE, check("alice", "j1", null, clock.instant()));
    }

    @Test
    void checkWhenIssuedBeforeSubjectMarkThenRevokedSubject() {
        Instant mark = clock.instant();
        store.revokeIssuedBefore("alice", mark).toCompletableFuture().join();
        assertEquals(RevocationStatus.REVOKED_SUBJECT, check("alice", "j1", "s1", mark.minusSeconds(1)));
        assertEquals(RevocationStatus.REVOKED_SUBJECT, check("alice", null, null, mark.minusMillis(1)));
        assertEquals(RevocationStatus.ACTIVE, check("alice", "j2", "s2", mark));
        assertEquals(RevocationStatus.ACTIVE, check("bob", "j1", "s1", mark.minusSeconds(1)));
    }

    @Test
    void revokeIssuedBeforeWhenOlderMarkThenMarkNeverMovesBack() {
        Instant mark = clock.instant();
        store.revokeIssuedBefore("alice", mark).toCompletableFuture().join();
        store.revokeIssuedBefore("alice", mark.minusSeconds(60))
                .toCompletableFuture()
                .join();
        assertEquals(RevocationStatus.REVOKED_SUBJECT, check("alice", "j1", "s1", mark.minusSeconds(30)));
    }

    @Test
    void revokeWhenAlreadyExpiredThenNothingToRefuse() {
        store.revokeToken("alice", "j1", clock.instant().minusSeconds(1))
                .toCompletableFuture()
                .join();
        assertEquals(RevocationStatus.ACTIVE, check("alice", "j1", "s1", clock.instant()));
    }

    @Test
    void revokeWhenBlankIdThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> store.revokeToken("alice", " ", later()));
        assertThrows(IllegalArgumentException.class, () -> store.revokeSession("alice", "", later()));
    }

    @Test
    void checkWhenTokenRevokedThenTokenReasonWinsOverSession() {
        store.revokeToken("alice", "j1", later()).toCompletableFuture().join();
        store.revokeSession("alice", "s1", later()).toCompletableFuture().join();
        assertEquals(RevocationStatus.REVOKED_TOKEN, check("alice", "j1", "s1", clock.instant()));
    }

    private static final Charge CHARGE = new Charge("u:alice", "orders", new Quota(5, Duration.ofMinutes(1)));

    private Checked<RevocationStatus> checkAndCount(String jti, String sid, Instant iat) {
        return store.check(
                        new RevocationQuery("alice", Optional.ofNullable(jti), Optional.ofNullable(sid), iat), CHARGE)
                .toCompletableFuture()
                .join();
    }

    @Test
    void checkWithChargeWhenRevokedThenTheSameAnswerAndNothingCounted() {
        store.revokeToken("alice", "j1", later()).toCompletableFuture().join();
        store.revokeSession("alice", "s2", later()).toCompletableFuture().join();
        store.revokeIssuedBefore("alice", clock.instant()).toCompletableFuture().join();

        assertEquals(Checked.notCounted(RevocationStatus.REVOKED_TOKEN), checkAndCount("j1", "s1", clock.instant()));
        assertEquals(Checked.notCounted(RevocationStatus.REVOKED_SESSION), checkAndCount("j2", "s2", clock.instant()));
        assertEquals(
                Checked.notCounted(RevocationStatus.REVOKED_SUBJECT),
                checkAndCount("j3", "s3", clock.instant().minusSeconds(1)));
    }

    @Test
    void checkWithChargeWhenActiveThenActiveAndCountedOnlyByAStoreThatCombines() {
        Checked<RevocationStatus> checked = checkAndCount("j1", "s1", clock.instant());

        assertEquals(RevocationStatus.ACTIVE, checked.outcome());
        assertEquals(countsWithCheck(), checked.decision().isPresent(), checked.toString());
        checked.decision().ifPresent(decision -> assertEquals(4, decision.remaining()));
    }
}
