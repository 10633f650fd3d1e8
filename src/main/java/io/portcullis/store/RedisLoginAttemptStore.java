package io.portcullis.store;

import io.lettuce.core.ScriptOutputType;
import io.portcullis.auth.LoginAttemptStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link LoginAttemptStore} in Redis: one EVALSHA per group ({@code login-attempt.lua}, {@code
 * login-success.lua}), so concurrent attempts through any nodes are checked and counted atomically. The keys of
 * one group must share a hash tag (Redis Cluster). Times come from this node's clock. While Redis is
 * unavailable it counts with {@code fallback} when there is one ({@code on-failure.rate-limit: allow}: the same
 * limits, counted on this node), otherwise fails with {@link StoreUnavailableException}. Thread-safe.
 */
final class RedisLoginAttemptStore implements LoginAttemptStore {
    private final RedisConnector redis;
    private final RedisKeys keys;
    private final Clock clock;
    private final InMemoryLoginAttemptStore fallback;

    /** @param fallback the in-process counters to use while Redis is unavailable, or null to fail */
    RedisLoginAttemptStore(RedisConnector redis, RedisKeys keys, Clock clock, InMemoryLoginAttemptStore fallback) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
        this.fallback = fallback;
    }

    @Override
    public CompletionStage<Long> attempt(List<Counter> group, Backoff backoff) {
        String[] args = new String[4 + group.size()];
        args[0] = Long.toString(clock.millis());
        args[1] = Long.toString(backoff.base().toMillis());
        args[2] = Long.toString(backoff.max().toMillis());
        args[3] = Long.toString(backoff.window().toMillis());
        for (int i = 0; i < group.size(); i++) {
            args[4 + i] = Integer.toString(group.get(i).free());
        }
        CompletableFuture<Long> counted = redis.<List<Long>>eval(
                        LuaScript.LOGIN_ATTEMPT, ScriptOutputType.MULTI, redisKeys(group), args)
                .thenApply(reply -> reply.get(0) == 0 ? 0L : Math.max(1L, reply.get(1)));
        return fallback == null
                ? counted
                : counted.exceptionallyCompose(
                        failure -> fallback.attempt(group, backoff).toCompletableFuture());
    }

    @Override
    public CompletionStage<Void> succeeded(List<Counter> group, Duration remember) {
        CompletableFuture<Void> taken = redis.<Long>eval(
                        LuaScript.LOGIN_SUCCESS,
                        ScriptOutputType.INTEGER,
                        redisKeys(group),
                        Long.toString(Math.max(0, remember.toMillis())))
                .thenApply(done -> null);
        return fallback == null
                ? taken
                : taken.exceptionallyCompose(
                        failure -> fallback.succeeded(group, remember).toCompletableFuture());
    }

    private String[] redisKeys(List<Counter> group) {
        return group.stream().map(counter -> keys.loginAttempts(counter.key())).toArray(String[]::new);
    }
}
