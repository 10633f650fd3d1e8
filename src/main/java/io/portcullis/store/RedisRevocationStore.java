package io.portcullis.store;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
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
 * the rate-limit script when the request is to be counted too ({@link CheckThenCount}). Thread-safe.
 */
final class RedisRevocationStore implements RevocationStore {
    private static final RevocationStatus[] BY_CODE = {RevocationStatus.ACTIVE, RevocationStatus.REVOKED_TOKEN,
        RevocationStatus.REVOKED_SESSION, RevocationStatus.REVOKED_SUBJECT};

    private final RedisConnector redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final Duration retention;
    private final CheckThenCount counting;

    /** @param counting how {@link #check(RevocationQuery, Charge)} counts a rate limit with the check */
    RedisRevocationStore(RedisConnector redis, RedisKeys keys, Clock clock, Duration retention,
            CheckThenCount counting) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.retention = retention;
        this.counting = counting;
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
        return redis.callDurably(key, c -> c.set(key, "1", SetArgs.Builder.pxAt(until.toEpochMilli())))
                .thenApply(ok -> null);
    }

    @Override
    public CompletionStage<Void> revokeIssuedBefore(String subject, Instant notBefore) {
        String key = keys.subjectNotBefore(subject);
        String[] args = {Long.toString(notBefore.toEpochMilli()), Long.toString(retention.toMillis())};
        return (redis.durable()
                ? redis.<Long>callDurably(key, c -> c.eval(LuaScript.REVOKE_BEFORE.source(), ScriptOutputType.INTEGER,
                        new String[] {key}, args))
                : redis.<Long>eval(LuaScript.REVOKE_BEFORE, ScriptOutputType.INTEGER, new String[] {key}, args))
                .thenApply(ok -> null);
    }

    @Override
    public CompletionStage<RevocationStatus> check(RevocationQuery token) {
        return redis.<Long>eval(LuaScript.REVOCATION_CHECK, ScriptOutputType.INTEGER, checkedKeys(token),
                        Long.toString(token.issuedAt().toEpochMilli()))
                .handle((code, failure) -> failure != null ? RevocationStatus.UNAVAILABLE : status(code));
    }

    /** One EVALSHA: the revocation check and, for an active token, the rate-limit count. */
    @Override
    public CompletionStage<Checked<RevocationStatus>> check(RevocationQuery token, Charge charge) {
        return counting.run(LuaScript.REVOCATION_CHECK, checkedKeys(token),
                        new String[] {Long.toString(token.issuedAt().toEpochMilli())}, charge)
                .handle((checked, failure) -> failure != null
                        ? Checked.notCounted(RevocationStatus.UNAVAILABLE)
                        : new Checked<>(status(checked.outcome()), checked.decision()));
    }

    private String[] checkedKeys(RevocationQuery token) {
        String subject = token.subject();
        return new String[] {keys.revokedToken(subject, token.jti().orElse("")),
            keys.revokedSession(subject, token.sid().orElse("")), keys.subjectNotBefore(subject)};
    }

    private static RevocationStatus status(Long code) {
        return code == null || code < 0 || code >= BY_CODE.length ? RevocationStatus.UNAVAILABLE : BY_CODE[code.intValue()];
    }
}
