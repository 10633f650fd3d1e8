package io.portcullis.store;

import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import java.time.Clock;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * This node's copy of the live revocations in Redis (the {@code rv:…} keys: revoked tokens, ended sessions,
 * subjects' not-before marks), each entry expiring when its key does, fed by {@link RevocationFeed} from the
 * revocation stream. It answers a revocation check without a round trip, but only while it is
 * {@link #current()}: loaded, registered with the revoking nodes, caught up with the stream as of its
 * registration, its connection alive (a recent heartbeat), and complete (nothing dropped for the memory bound).
 * Otherwise the caller asks Redis. At most {@code maximumEntries} entries are kept: a revocation that does not
 * fit is not stored, and the mirror is not current until what it would have revoked has expired. Thread-safe.
 */
final class RevocationMirror {
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final long maximumEntries;
    private final BooleanSupplier connected;
    private final AtomicLong dropped = new AtomicLong();
    private volatile StreamId applied = StreamId.ZERO;
    private volatile StreamId required = StreamId.MAX;
    private volatile boolean live;
    private volatile boolean loaded;
    /** Epoch ms until which an entry that did not fit would still revoke something. */
    private volatile long incompleteUntil;

    private volatile long lagMillis;

    /** @param connected whether the connection to Redis has answered recently (the heartbeat) */
    RevocationMirror(Clock clock, long maximumEntries, BooleanSupplier connected) {
        this.clock = clock;
        this.maximumEntries = maximumEntries;
        this.connected = connected;
    }

    /** Whether the mirror may answer checks on its own now. */
    boolean current() {
        return live
                && applied.compareTo(required) >= 0
                && clock.millis() >= incompleteUntil
                && connected.getAsBoolean();
    }

    /** What {@code revocation-check.lua} would answer, from this copy. */
    RevocationStatus status(RedisKeys keys, RevocationQuery token) {
        long now = clock.millis();
        String subject = token.subject();
        if (token.jti().isPresent()
                && present(keys.revokedToken(subject, token.jti().get()), now)) {
            return RevocationStatus.REVOKED_TOKEN;
        }
        if (token.sid().isPresent()
                && present(keys.revokedSession(subject, token.sid().get()), now)) {
            return RevocationStatus.REVOKED_SESSION;
        }
        Entry mark = entries.get(keys.subjectNotBefore(subject));
        if (mark != null && mark.expiresAtMillis() > now && token.issuedAt().toEpochMilli() < mark.value()) {
            return RevocationStatus.REVOKED_SUBJECT;
        }
        return RevocationStatus.ACTIVE;
    }

    private boolean present(String key, long now) {
        Entry entry = entries.get(key);
        return entry != null && entry.expiresAtMillis() > now;
    }

    /**
     * Records one revocation key: {@code value} is the not-before mark of a {@code …:nbf} key (the larger one is
     * kept: a mark never moves back), otherwise unused. Idempotent, so a replayed or reloaded entry is harmless.
     */
    void apply(String key, long value, long expiresAtMillis) {
        if (expiresAtMillis <= clock.millis()) {
            return;
        }
        if (!entries.containsKey(key) && entries.size() >= maximumEntries) {
            dropped.incrementAndGet();
            incompleteUntil = Math.max(incompleteUntil, expiresAtMillis);
            return;
        }
        entries.merge(
                key,
                new Entry(value, expiresAtMillis),
                (old, next) -> new Entry(
                        Math.max(old.value(), next.value()), Math.max(old.expiresAtMillis(), next.expiresAtMillis())));
    }

    /** The last stream entry applied; its time part gives the lag. */
    void advance(StreamId id) {
        if (id.compareTo(applied) > 0) {
            applied = id;
            lagMillis = Math.max(0, clock.millis() - id.millis());
        }
    }

    /** Registered with the revoking nodes: current once it has applied {@code upTo}. */
    void registered(StreamId upTo) {
        required = upTo;
        live = true;
    }

    /** Not current (connection lost, dropped by a revoking node) until registered again. */
    void suspend() {
        live = false;
    }

    /** Whether a full load completed since the mirror was made or last cleared. */
    boolean loaded() {
        return loaded;
    }

    /** A full load completed: from now on a reconnection may replay instead. */
    void markLoaded() {
        loaded = true;
    }

    /** Forgets everything, before a full reload. */
    void clear() {
        live = false;
        loaded = false;
        entries.clear();
        applied = StreamId.ZERO;
        incompleteUntil = 0;
    }

    /** Removes expired entries; returns how many. */
    int purgeExpired() {
        long now = clock.millis();
        int removed = 0;
        for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
            if (it.next().expiresAtMillis() <= now) {
                it.remove();
                removed++;
            }
        }
        return removed;
    }

    StreamId applied() {
        return applied;
    }

    int size() {
        return entries.size();
    }

    long lagMillis() {
        return lagMillis;
    }

    long dropped() {
        return dropped.get();
    }

    private record Entry(long value, long expiresAtMillis) {}

    /** A Redis stream entry id, {@code <ms>-<seq>}, ordered as Redis orders them. */
    record StreamId(long millis, long sequence) implements Comparable<StreamId> {
        static final StreamId ZERO = new StreamId(0, 0);
        static final StreamId MAX = new StreamId(Long.MAX_VALUE, Long.MAX_VALUE);

        /** @throws IllegalArgumentException when {@code text} is no stream id */
        static StreamId parse(String text) {
            int dash = text.indexOf('-');
            try {
                return dash < 0
                        ? new StreamId(Long.parseUnsignedLong(text), 0)
                        : new StreamId(
                                Long.parseUnsignedLong(text.substring(0, dash)),
                                Long.parseUnsignedLong(text.substring(dash + 1)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a stream id: " + text, e);
            }
        }

        @Override
        public int compareTo(StreamId other) {
            int byMillis = Long.compareUnsigned(millis, other.millis);
            return byMillis != 0 ? byMillis : Long.compareUnsigned(sequence, other.sequence);
        }

        @Override
        public String toString() {
            return Long.toUnsignedString(millis) + "-" + Long.toUnsignedString(sequence);
        }
    }
}
