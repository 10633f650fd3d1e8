package io.portcullis.store;

import io.portcullis.auth.Rotation;
import io.portcullis.auth.RotationResult;
import io.portcullis.auth.RotationResult.Outcome;
import io.portcullis.auth.Session;
import io.portcullis.auth.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * {@link SessionStore} for one node, with the same rotation rules as {@code redis/session-rotate.lua}. A
 * session entry expires at the earlier of its absolute end and its idle deadline, on the injected clock; at
 * most {@code maximumSessions} are kept (past that the least valuable are evicted, which logs those users
 * out). Thread-safe: each rotation is atomic per session.
 */
public final class InMemorySessionStore implements SessionStore {
    /** Default bound on live sessions. */
    public static final long DEFAULT_MAXIMUM_SESSIONS = 200_000;

    private final ExpiringMap<String, State> sessions;
    private final ConcurrentMap<String, Set<String>> sidsByUser = new ConcurrentHashMap<>();
    private final Clock clock;
    private final SessionPolicy policy;

    public InMemorySessionStore(Clock clock, SessionPolicy policy, long maximumSessions) {
        this.clock = clock;
        this.policy = policy;
        this.sessions = new ExpiringMap<>(clock, maximumSessions, (sid, state) -> forget(state.session()));
    }

    @Override
    public CompletionStage<Void> create(Session session, String refreshTokenHash) {
        sidsByUser
                .computeIfAbsent(session.userId(), u -> ConcurrentHashMap.newKeySet())
                .add(session.sid());
        State state = new State(session, refreshTokenHash, "", 0, "", Set.of());
        sessions.compute(session.sid(), old -> entry(state));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<RotationResult> rotate(Rotation rotation) {
        long now = clock.millis();
        RotationResult[] result = {RotationResult.of(Outcome.UNKNOWN)};
        sessions.compute(rotation.sid(), old -> {
            if (old == null) {
                return null;
            }
            State s = old.value();
            if (now >= s.session().expiresAt().toEpochMilli() || idleSince(s, now)) {
                result[0] = RotationResult.of(Outcome.EXPIRED);
                return null;
            }
            if (rotation.presentedHash().equals(s.current())) {
                Session used = new Session(
                        s.session().sid(),
                        s.session().userId(),
                        s.session().createdAt(),
                        Instant.ofEpochMilli(now),
                        s.session().expiresAt());
                Set<String> spent = new HashSet<>(s.spent());
                spent.add(s.current());
                State next = new State(
                        used,
                        rotation.successorHash(),
                        s.current(),
                        now,
                        rotation.successorEnvelope(),
                        Set.copyOf(spent));
                result[0] = new RotationResult(
                        Outcome.ROTATED,
                        Optional.of(used),
                        Optional.of(rotation.successorHash()),
                        Optional.of(rotation.successorEnvelope()));
                return entry(next);
            }
            if (rotation.presentedHash().equals(s.previous())
                    && now - s.previousAtMillis() <= policy.refreshGrace().toMillis()) {
                result[0] = new RotationResult(
                        Outcome.GRACE,
                        Optional.of(s.session()),
                        Optional.of(s.current()),
                        Optional.of(s.successorEnvelope()));
                return old;
            }
            if (s.spent().contains(rotation.presentedHash())) {
                result[0] = new RotationResult(
                        Outcome.REUSED, Optional.of(s.session()), Optional.empty(), Optional.empty());
                return null;
            }
            return old;
        });
        return CompletableFuture.completedFuture(result[0]);
    }

    @Override
    public CompletionStage<Optional<Session>> find(String sid) {
        return CompletableFuture.completedFuture(live(sid).map(State::session));
    }

    @Override
    public CompletionStage<Optional<Session>> findByToken(String sid, String refreshTokenHash) {
        return CompletableFuture.completedFuture(
                live(sid).filter(s -> s.current().equals(refreshTokenHash)).map(State::session));
    }

    @Override
    public CompletionStage<Boolean> end(String sid) {
        return CompletableFuture.completedFuture(endLive(sid).isPresent());
    }

    @Override
    public CompletionStage<List<Session>> listByUser(String userId) {
        List<Session> result = new ArrayList<>();
        for (String sid : sidsByUser.getOrDefault(userId, Set.of())) {
            live(sid).ifPresent(s -> result.add(s.session()));
        }
        result.sort(Comparator.comparing(Session::createdAt).thenComparing(Session::sid));
        return CompletableFuture.completedFuture(result);
    }

    @Override
    public CompletionStage<List<Session>> endAll(String userId) {
        List<Session> ended = new ArrayList<>();
        for (String sid : List.copyOf(sidsByUser.getOrDefault(userId, Set.of()))) {
            endLive(sid).ifPresent(ended::add);
        }
        return CompletableFuture.completedFuture(ended);
    }

    private Optional<State> live(String sid) {
        return sessions.get(sid).filter(s -> !idleSince(s, clock.millis()));
    }

    private Optional<Session> endLive(String sid) {
        Optional<State> removed = sessions.remove(sid);
        return removed.filter(s -> !idleSince(s, clock.millis())).map(State::session);
    }

    private boolean idleSince(State s, long now) {
        return now - s.session().lastUsedAt().toEpochMilli()
                >= policy.idleTimeout().toMillis();
    }

    private ExpiringMap.Entry<State> entry(State state) {
        long idleEnd = state.session().lastUsedAt().toEpochMilli()
                + policy.idleTimeout().toMillis();
        return new ExpiringMap.Entry<>(
                state, Math.min(idleEnd, state.session().expiresAt().toEpochMilli()));
    }

    private void forget(Session session) {
        sidsByUser.computeIfPresent(session.userId(), (user, sids) -> {
            sids.remove(session.sid());
            return sids.isEmpty() ? null : sids;
        });
    }

    private record State(
            Session session,
            String current,
            String previous,
            long previousAtMillis,
            String successorEnvelope,
            Set<String> spent) {}
}
