package io.portcullis.store;

import io.lettuce.core.KeyValue;
import io.lettuce.core.ScriptOutputType;
import io.portcullis.auth.Rotation;
import io.portcullis.auth.RotationResult;
import io.portcullis.auth.RotationResult.Outcome;
import io.portcullis.auth.Session;
import io.portcullis.auth.SessionStore;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link SessionStore} in Redis: a hash per session (its own Cluster slot, so {@code session-rotate.lua}
 * touches one key) expiring at the earlier of its idle deadline and its absolute end, plus a set of session
 * ids per user for listing and logout-all (pruned as sessions are found gone). Thread-safe.
 */
final class RedisSessionStore implements SessionStore {
    private final RedisConnector redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final SessionPolicy policy;

    RedisSessionStore(RedisConnector redis, RedisKeys keys, Clock clock, SessionPolicy policy) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.policy = policy;
    }

    @Override
    public CompletionStage<Void> create(Session session, String refreshTokenHash) {
        String key = keys.session(session.sid());
        String userSessions = keys.userSessions(session.userId());
        long deadline = Math.min(
                session.lastUsedAt().toEpochMilli() + policy.idleTimeout().toMillis(),
                session.expiresAt().toEpochMilli());
        Map<String, String> fields = Map.of(
                "user",
                session.userId(),
                "created",
                millis(session.createdAt()),
                "expires",
                millis(session.expiresAt()),
                "last",
                millis(session.lastUsedAt()),
                "cur",
                refreshTokenHash,
                "prev",
                "",
                "prev_at",
                "0",
                "env",
                "");
        // Pipelined on the shared connection; the set outlives its newest session (refresh-ttl is the same for all).
        CompletableFuture<Long> written = redis.call(key, c -> c.hset(key, fields));
        CompletableFuture<Boolean> expiring = redis.call(key, c -> c.pexpireat(key, deadline));
        CompletableFuture<Long> indexed = redis.call(userSessions, c -> c.sadd(userSessions, session.sid()));
        CompletableFuture<Boolean> indexExpiring = redis.call(
                userSessions, c -> c.pexpireat(userSessions, session.expiresAt().toEpochMilli()));
        return CompletableFuture.allOf(written, expiring, indexed, indexExpiring);
    }

    @Override
    public CompletionStage<RotationResult> rotate(Rotation rotation) {
        return redis.<List<Object>>eval(
                        LuaScript.SESSION_ROTATE,
                        ScriptOutputType.MULTI,
                        new String[] {keys.session(rotation.sid())},
                        rotation.presentedHash(),
                        rotation.successorHash(),
                        rotation.successorEnvelope(),
                        Long.toString(clock.millis()),
                        Long.toString(policy.refreshGrace().toMillis()),
                        Long.toString(policy.idleTimeout().toMillis()))
                .thenApply(reply -> result(rotation.sid(), reply));
    }

    private static RotationResult result(String sid, List<Object> reply) {
        Outcome outcome = Outcome.valueOf(String.valueOf(reply.get(0)).toUpperCase(Locale.ROOT));
        if (reply.size() < 7) {
            return RotationResult.of(outcome);
        }
        Session session = new Session(
                sid, (String) reply.get(1), instant(reply.get(2)), instant(reply.get(4)), instant(reply.get(3)));
        if (outcome == Outcome.REUSED) {
            return new RotationResult(outcome, Optional.of(session), Optional.empty(), Optional.empty());
        }
        return new RotationResult(
                outcome, Optional.of(session), Optional.of((String) reply.get(5)), Optional.of((String) reply.get(6)));
    }

    @Override
    public CompletionStage<Optional<Session>> find(String sid) {
        return read(sid).thenApply(found -> found.map(SessionAndToken::session));
    }

    @Override
    public CompletionStage<Optional<Session>> findByToken(String sid, String refreshTokenHash) {
        return read(sid)
                .thenApply(found -> found.filter(s -> s.currentHash().equals(refreshTokenHash))
                        .map(SessionAndToken::session));
    }

    private CompletionStage<Optional<SessionAndToken>> read(String sid) {
        return redis.call(
                        keys.session(sid), c -> c.hmget(keys.session(sid), "user", "created", "expires", "last", "cur"))
                .thenApply(values -> {
                    if (values.isEmpty() || !values.get(0).hasValue()) {
                        return Optional.<SessionAndToken>empty();
                    }
                    Session session = new Session(
                            sid,
                            values.get(0).getValue(),
                            instant(value(values.get(1))),
                            instant(value(values.get(3))),
                            instant(value(values.get(2))));
                    long now = clock.millis();
                    boolean alive = now < session.expiresAt().toEpochMilli()
                            && now - session.lastUsedAt().toEpochMilli()
                                    < policy.idleTimeout().toMillis();
                    String current = values.get(4).hasValue() ? values.get(4).getValue() : "";
                    return alive
                            ? Optional.of(new SessionAndToken(session, current))
                            : Optional.<SessionAndToken>empty();
                });
    }

    private record SessionAndToken(Session session, String currentHash) {}

    @Override
    public CompletionStage<Boolean> end(String sid) {
        return find(sid)
                .thenCompose(found -> redis.call(keys.session(sid), c -> c.del(keys.session(sid)))
                        .thenCompose(deleted -> found.isEmpty()
                                ? CompletableFuture.completedFuture(false)
                                : redis.call(
                                                keys.userSessions(found.get().userId()),
                                                c -> c.srem(
                                                        keys.userSessions(
                                                                found.get().userId()),
                                                        sid))
                                        .thenApply(n -> true)));
    }

    @Override
    public CompletionStage<List<Session>> listByUser(String userId) {
        String userSessions = keys.userSessions(userId);
        return redis.call(userSessions, c -> c.smembers(userSessions)).thenCompose(sids -> {
            List<String> ordered = List.copyOf(sids);
            return Futures.each(ordered, sid -> find(sid).toCompletableFuture()).thenApply(found -> {
                List<Session> live = new ArrayList<>();
                List<String> gone = new ArrayList<>();
                for (int i = 0; i < ordered.size(); i++) {
                    String sid = ordered.get(i);
                    found.get(i).ifPresentOrElse(live::add, () -> gone.add(sid));
                }
                if (!gone.isEmpty()) {
                    // Sessions that expired or ended elsewhere: prune the index, best effort.
                    redis.call(userSessions, c -> c.srem(userSessions, gone.toArray(String[]::new)));
                }
                live.sort(Comparator.comparing(Session::createdAt).thenComparing(Session::sid));
                return live;
            });
        });
    }

    @Override
    public CompletionStage<List<Session>> endAll(String userId) {
        return listByUser(userId).thenCompose(live -> {
            List<String> sessionKeys = new ArrayList<>();
            live.forEach(session -> sessionKeys.add(keys.session(session.sid())));
            sessionKeys.add(keys.userSessions(userId));
            // One DEL per key: the keys live in different Cluster slots.
            return Futures.each(sessionKeys, key -> redis.<Long>call(key, c -> c.del(key)))
                    .thenApply(done -> live);
        });
    }

    private static String value(KeyValue<String, String> kv) {
        return kv.hasValue() ? kv.getValue() : "0";
    }

    private static String millis(Instant instant) {
        return Long.toString(instant.toEpochMilli());
    }

    private static Instant instant(Object millis) {
        return Instant.ofEpochMilli(Long.parseLong(String.valueOf(millis)));
    }
}
