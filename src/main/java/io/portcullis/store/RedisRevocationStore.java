package io.portcullis.store;

import io.lettuce.core.ScriptOutputType;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link RevocationStore} in Redis: one key per revoked token or session, expiring with it (PXAT), and one
 * not-before mark per subject; a check is one EVALSHA of {@code revocation-check.lua}, or of it in front of
 * the rate-limit script when the request is to be counted too ({@link CheckThenCount}). With a
 * {@link RevocationFeed} ({@code revocation.mirror: true}) each write also appends to the revocation stream in
 * the same script and completes only once every node's mirror has it, and a check is answered by this node's
 * mirror, without a round trip, whenever the mirror is current; otherwise it goes to Redis as above. Thread-safe.
 */
final class RedisRevocationStore implements RevocationStore {
    private static final RevocationStatus[] BY_CODE = {
        RevocationStatus.ACTIVE,
        RevocationStatus.REVOKED_TOKEN,
        RevocationStatus.REVOKED_SESSION,
        RevocationStatus.REVOKED_SUBJECT
    };

    private final RedisConnector redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final Duration retention;
    private final CheckThenCount counting;
    private final RevocationFeed feed;

    /** @param counting how {@link #check(RevocationQuery, Charge)} counts a rate limit with the check */
    RedisRevocationStore(
            RedisConnector redis, RedisKeys keys, Clock clock, Duration retention, CheckThenCount counting) {
        this(redis, keys, clock, retention, counting, null);
    }

    /** @param feed the mirror's feed, or null to ask Redis on every check */
    RedisRevocationStore(
            RedisConnector redis,
            RedisKeys keys,
            Clock clock,
            Duration retention,
            CheckThenCount counting,
            RevocationFeed feed) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.retention = retention;
        this.counting = counting;
        this.feed = feed;
    }

    @Override
    public CompletionStage<Void> revokeToken(String subject, String jti, Instant expiresAt) {
        InMemoryRevocationStore.requireNonBlank(jti, "jti");
        return markUntil(keys.revokedToken(subject, jti), expiresAt);
    }

    @Override
    public CompletionStage<Void> revokeSession(String subject, String sid, Instant until) {
        InMemoryRevocationStore.requireNonBlank(sid, "sid");
        return markUntil(keys.revokedSession(subject, sid), until);
    }

    private CompletionStage<Void> markUntil(String key, Instant until) {
        if (!until.isAfter(clock.instant())) {
            return CompletableFuture.completedFuture(null); // already expired: nothing left to refuse
        }
        String[] scriptKeys = scriptKeys(key);
        String[] args = {Long.toString(until.toEpochMilli()), Long.toString(RevocationFeed.STREAM_MAXLEN)};
        return (redis.durable()
                        ? redis.<String>callDurably(
                                key,
                                c -> c.eval(LuaScript.REVOKE_MARK.source(), ScriptOutputType.VALUE, scriptKeys, args))
                        : redis.<String>eval(LuaScript.REVOKE_MARK, ScriptOutputType.VALUE, scriptKeys, args))
                .thenCompose(this::mirrored);
    }

    /** The key written, and the revocation stream when the mirror is on (the scripts append to it then). */
    private String[] scriptKeys(String key) {
        return feed == null ? new String[] {key} : new String[] {key, keys.revocationEvents()};
    }

    /** Completes once every node's mirror has stream entry {@code id} (at once without the mirror). */
    private CompletionStage<Void> mirrored(String id) {
        return feed == null ? CompletableFuture.completedFuture(null) : feed.awaitApplied(id);
    }

    @Override
    public CompletionStage<Void> revokeIssuedBefore(String subject, Instant notBefore) {
        String key = keys.subjectNotBefore(subject);
        String[] scriptKeys = scriptKeys(key);
        String[] args = {
            Long.toString(notBefore.toEpochMilli()),
            Long.toString(retention.toMillis()),
            Long.toString(RevocationFeed.STREAM_MAXLEN)
        };
        return (redis.durable()
                        ? redis.<String>callDurably(
                                key,
                                c -> c.eval(LuaScript.REVOKE_BEFORE.source(), ScriptOutputType.VALUE, scriptKeys, args))
                        : redis.<String>eval(LuaScript.REVOKE_BEFORE, ScriptOutputType.VALUE, scriptKeys, args))
                .thenCompose(this::mirrored);
    }

    /** The mirror's answer when it is current, else empty (the check then goes to Redis). */
    private RevocationStatus mirrorStatus(RevocationQuery token) {
        if (feed == null) {
            return null;
        }
        RevocationMirror mirror = feed.start().mirror(); // a store that only wrote so far starts reading now
        if (mirror.current() && feed.connectionOpen()) {
            return mirror.status(keys, token);
        }
        feed.onFallback();
        return null;
    }

    @Override
    public CompletionStage<RevocationStatus> check(RevocationQuery token) {
        RevocationStatus mirrored = mirrorStatus(token);
        if (mirrored != null) {
            return CompletableFuture.completedFuture(mirrored);
        }
        return redis.<Long>eval(
                        LuaScript.REVOCATION_CHECK,
                        ScriptOutputType.INTEGER,
                        checkedKeys(token),
                        Long.toString(token.issuedAt().toEpochMilli()))
                .handle((code, failure) -> failure != null ? RevocationStatus.UNAVAILABLE : status(code));
    }

    /** One EVALSHA: the revocation check and, for an active token, the rate-limit count. */
    @Override
    public CompletionStage<Checked<RevocationStatus>> check(RevocationQuery token, Charge charge) {
        RevocationStatus mirrored = mirrorStatus(token);
        if (mirrored != null) {
            // Nothing counted: the rate-limit stage counts an accepted request itself, a revoked one never.
            return CompletableFuture.completedFuture(Checked.notCounted(mirrored));
        }
        return counting.run(
                        LuaScript.REVOCATION_CHECK,
                        checkedKeys(token),
                        new String[] {Long.toString(token.issuedAt().toEpochMilli())},
                        charge)
                .handle((checked, failure) -> failure != null
                        ? Checked.notCounted(RevocationStatus.UNAVAILABLE)
                        : new Checked<>(status(checked.outcome()), checked.decision()));
    }

    private String[] checkedKeys(RevocationQuery token) {
        String subject = token.subject();
        return new String[] {
            keys.revokedToken(subject, token.jti().orElse("")),
            keys.revokedSession(subject, token.sid().orElse("")),
            keys.subjectNotBefore(subject)
        };
    }

    private static RevocationStatus status(Long code) {
        return code == null || code < 0 || code >= BY_CODE.length
                ? RevocationStatus.UNAVAILABLE
                : BY_CODE[code.intValue()];
    }
}
