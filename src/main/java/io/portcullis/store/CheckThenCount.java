package io.portcullis.store;

import io.lettuce.core.ScriptOutputType;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Decision;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A store's check (revocation, API-key match) and the rate-limit count of the same request in one EVALSHA
 * ({@code check-then-count.lua}): one Redis round trip where there were two, atomic, and nothing counted when
 * the check refuses. Counts exactly as {@link RedisRateLimiter} would — same algorithm, same bucket key, same
 * reading of the reply — so the rate-limit stage can take the decision as its own. Where one script may not touch every
 * key (Redis Cluster, the keys on two slots: a user's revocation keys with an API key's bucket) the check and
 * the count are two scripts sent together, one per slot, still one round trip; a request the check refuses is
 * then counted all the same. Thread-safe.
 */
final class CheckThenCount {
    private final RedisConnector redis;
    private final RedisKeys keys;
    private final RateLimitsConfig.Algorithm configured;

    /**
     * @param configured the configured algorithm: the rate-limit stage's limiter counts with it too (resolved
     *     on the first call, so that building the stores loads no script)
     */
    CheckThenCount(RedisConnector redis, RedisKeys keys, RateLimitsConfig.Algorithm configured) {
        this.redis = redis;
        this.keys = keys;
        this.configured = configured;
    }

    /**
     * Runs {@code check} (one of {@link LuaScript#CHECKS}, answering an integer, 0 for "passes") and, when it
     * passes, counts {@code charge}. Fails as every Redis call does ({@link StoreUnavailableException}), and
     * then nothing is known of either.
     *
     * @return the check's answer, with the rate-limit decision when the request was counted
     */
    CompletableFuture<Checked<Long>> run(LuaScript check, String[] checkKeys, String[] checkArgs, Charge charge) {
        RateLimitAlgorithm algorithm = RateLimitAlgorithm.of(configured);
        String bucket = keys.rateLimit(
                charge.bucket(),
                charge.policy(),
                algorithm,
                charge.quota().window().toMillis());
        String[] allKeys = new String[checkKeys.length + 1];
        System.arraycopy(checkKeys, 0, allKeys, 0, checkKeys.length);
        allKeys[checkKeys.length] = bucket;
        String[] countArgs = algorithm.arguments(charge.quota());
        if (!redis.oneSlot(allKeys)) {
            // Two slots (Redis Cluster): one script per slot, both sent at once on the shared connection, so
            // still one round trip (to each slot's primary, in parallel). The count no longer waits for the
            // check: a request the check refuses has then been counted too.
            CompletableFuture<Long> checked = redis.eval(check, ScriptOutputType.INTEGER, checkKeys, checkArgs);
            CompletableFuture<List<Long>> counted =
                    redis.eval(algorithm.script(), ScriptOutputType.MULTI, new String[] {bucket}, countArgs);
            return checked.thenCombine(
                    counted,
                    (verdict, reply) -> new Checked<>(
                            verdict,
                            verdict == 0
                                    ? Optional.of(algorithm.decide(reply, charge.quota()))
                                    : Optional.<Decision>empty()));
        }
        String[] allArgs = new String[1 + checkArgs.length + countArgs.length];
        allArgs[0] = Integer.toString(checkArgs.length);
        System.arraycopy(checkArgs, 0, allArgs, 1, checkArgs.length);
        System.arraycopy(countArgs, 0, allArgs, 1 + checkArgs.length, countArgs.length);
        return redis.<List<Long>>eval(
                        LuaScript.checkThenCount(check, algorithm.script()), ScriptOutputType.MULTI, allKeys, allArgs)
                .thenApply(reply -> {
                    long verdict = reply.get(0);
                    Optional<Decision> decision = verdict == 0
                            ? Optional.of(algorithm.decide(reply.subList(1, reply.size()), charge.quota()))
                            : Optional.empty();
                    return new Checked<>(verdict, decision);
                });
    }
}
