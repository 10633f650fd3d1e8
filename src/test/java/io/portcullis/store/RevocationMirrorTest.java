package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.store.RevocationMirror.StreamId;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class RevocationMirrorTest {
    private static final RedisKeys KEYS = new RedisKeys("p:");
    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final AtomicBoolean heartbeat = new AtomicBoolean(true);
    private final RevocationMirror mirror = new RevocationMirror(clock, 3, heartbeat::get);

    private long in(Duration duration) {
        return clock.millis() + duration.toMillis();
    }

    private static RevocationQuery token(String subject, String jti, String sid, Instant issuedAt) {
        return new RevocationQuery(subject, Optional.ofNullable(jti), Optional.ofNullable(sid), issuedAt);
    }

    @Test
    void statusWhenTokenSessionOrSubjectRevokedThenAnswersAsTheRevocationScript() {
        mirror.apply(KEYS.revokedToken("alice", "j1"), 1, in(Duration.ofMinutes(5)));
        mirror.apply(KEYS.revokedSession("bob", "s1"), 1, in(Duration.ofMinutes(5)));
        mirror.apply(KEYS.subjectNotBefore("carol"), clock.millis(), in(Duration.ofHours(1)));

        assertEquals(RevocationStatus.REVOKED_TOKEN, mirror.status(KEYS, token("alice", "j1", null, clock.instant())));
        assertEquals(RevocationStatus.ACTIVE, mirror.status(KEYS, token("alice", "j2", null, clock.instant())));
        assertEquals(
                RevocationStatus.ACTIVE,
                mirror.status(KEYS, token("mallory", "j1", null, clock.instant())),
                "a jti is revoked for its subject only");
        assertEquals(RevocationStatus.REVOKED_SESSION, mirror.status(KEYS, token("bob", "j9", "s1", clock.instant())));
        assertEquals(
                RevocationStatus.REVOKED_SUBJECT,
                mirror.status(KEYS, token("carol", "j", null, clock.instant().minusMillis(1))));
        assertEquals(
                RevocationStatus.ACTIVE,
                mirror.status(KEYS, token("carol", "j", null, clock.instant())),
                "issued at the mark: not before it");
    }

    @Test
    void statusWhenEntryExpiredThenActiveAndPurged() {
        mirror.apply(KEYS.revokedToken("alice", "j1"), 1, in(Duration.ofSeconds(30)));
        clock.advance(Duration.ofSeconds(29));
        assertEquals(RevocationStatus.REVOKED_TOKEN, mirror.status(KEYS, token("alice", "j1", null, clock.instant())));

        clock.advance(Duration.ofSeconds(1));

        assertEquals(RevocationStatus.ACTIVE, mirror.status(KEYS, token("alice", "j1", null, clock.instant())));
        assertEquals(1, mirror.purgeExpired());
        assertEquals(0, mirror.size());
    }

    @Test
    void applyWhenAlreadyExpiredThenNotKept() {
        mirror.apply(KEYS.revokedToken("alice", "j1"), 1, clock.millis());
        assertEquals(0, mirror.size());
    }

    @Test
    void applyWhenMarkOlderThanStoredThenMarkDoesNotMoveBack() {
        long mark = clock.millis();
        mirror.apply(KEYS.subjectNotBefore("carol"), mark, in(Duration.ofHours(1)));
        mirror.apply(KEYS.subjectNotBefore("carol"), mark - 60_000, in(Duration.ofHours(2)));

        assertEquals(
                RevocationStatus.REVOKED_SUBJECT,
                mirror.status(KEYS, token("carol", "j", null, Instant.ofEpochMilli(mark - 1))));
        clock.advance(Duration.ofMinutes(90));
        assertEquals(
                RevocationStatus.REVOKED_SUBJECT,
                mirror.status(KEYS, token("carol", "j", null, Instant.ofEpochMilli(mark - 1))),
                "the later expiry kept");
    }

    @Test
    void applyWhenFullThenNotKeptAndNotCurrentUntilTheDroppedEntryExpires() {
        mirror.registered(StreamId.ZERO);
        for (int i = 0; i < 3; i++) {
            mirror.apply(KEYS.revokedToken("alice", "j" + i), 1, in(Duration.ofMinutes(1)));
        }
        assertTrue(mirror.current());

        mirror.apply(KEYS.revokedToken("alice", "j3"), 1, in(Duration.ofMinutes(10)));

        assertEquals(3, mirror.size(), "the bound holds");
        assertEquals(1, mirror.dropped());
        assertFalse(mirror.current(), "a mirror missing a revocation must not answer");
        clock.advance(Duration.ofMinutes(1));
        mirror.purgeExpired();
        assertFalse(mirror.current(), "the dropped revocation still revokes");
        clock.advance(Duration.ofMinutes(9));
        assertTrue(mirror.current());
    }

    @Test
    void applyWhenFullAndKeyKnownThenUpdated() {
        for (int i = 0; i < 3; i++) {
            mirror.apply(KEYS.subjectNotBefore("s" + i), 1, in(Duration.ofMinutes(1)));
        }
        mirror.apply(KEYS.subjectNotBefore("s0"), 5, in(Duration.ofMinutes(1)));
        assertEquals(0, mirror.dropped());
    }

    @Test
    void currentWhenNotRegisteredBehindHeartbeatStaleOrSuspendedThenFalse() {
        assertFalse(mirror.current(), "not loaded yet");
        mirror.registered(StreamId.parse("100-3"));
        assertFalse(mirror.current(), "registered, but the stream had an entry it has not applied");
        mirror.advance(StreamId.parse("100-2"));
        assertFalse(mirror.current());
        mirror.advance(StreamId.parse("100-3"));
        assertTrue(mirror.current());
        heartbeat.set(false);
        assertFalse(mirror.current(), "no recent heartbeat");
        heartbeat.set(true);
        mirror.suspend();
        assertFalse(mirror.current(), "connection lost");
        mirror.registered(StreamId.parse("100-3"));
        assertTrue(mirror.current());
        mirror.clear();
        assertFalse(mirror.current(), "reloading");
    }

    @Test
    void advanceWhenOlderIdThenIgnoredAndLagMeasured() {
        mirror.advance(new StreamId(clock.millis() - 40, 0));
        mirror.advance(new StreamId(clock.millis() - 90, 0));
        assertEquals(new StreamId(clock.millis() - 40, 0), mirror.applied());
        assertEquals(40, mirror.lagMillis());
    }

    @Test
    void streamIdWhenParsedThenOrderedAsRedisOrdersThem() {
        assertTrue(StreamId.parse("1700000000000-10").compareTo(StreamId.parse("1700000000000-9")) > 0);
        assertTrue(StreamId.parse("2-0").compareTo(StreamId.parse("1-18446744073709551615")) > 0);
        assertEquals(
                "1-18446744073709551615",
                StreamId.parse("1-18446744073709551615").toString());
        assertEquals(new StreamId(5, 0), StreamId.parse("5"));
        assertThrows(IllegalArgumentException.class, () -> StreamId.parse("x-1"));
    }

    @Test
    void revocationPatternWhenPrefixHasGlobCharactersThenEscaped() {
        assertEquals("a\\*b\\?\\[c\\]rv:*", new RedisKeys("a*b?[c]").revocationPattern());
    }
}
