package io.portcullis.store;

import io.lettuce.core.ScriptOutputType;
import io.portcullis.auth.LoginAttemptStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * {@link LoginAttemptStore} in Redis: one EVALSHA per group ({@code login-attempt.lua}, {@code
 * login-success.lua}), so concurrent attempts through any nodes are checked and counted atomically. The keys of
 * one group must share a hash tag (Redis Cluster). Times come from this node's clock. Thread-safe.
 */
final class RedisLoginAttemptStore implements LoginAttemptStore {
    private final RedisConnector redis;
    private final RedisKeys keys;
    private final Clock clock;

    RedisLoginAttemptStore(RedisConnector redis, RedisKeys keys, Clock clock) {
        this.redis = redis;
        this.keys = keys;
        this.clock = clock;
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
        return redis.<List<Long>>eval(LuaScript.LOGIN_ATTEMPT, ScriptOutputType.MULTI, redisKeys(group), args)
                .thenApply(reply -> reply.get(0) == 0 ? 0L : Math.max(1L, reply.get(1)));
    }

    @Override
    public CompletionStage<Void> succeeded(List<Counter> group, Duration remember) {
        return redis.<Long>eval(LuaScript.LOGIN_SUCCESS, ScriptOutputType.INTEGER, redisKeys(group),
                        Long.toString(Math.max(0, remember.toMillis())))
                .thenApply(done -> null);
    }

    private String[] redisKeys(List<Counter> group) {
        return group.stream().map(counter -> keys.loginAttempts(counter.key())).toArray(String[]::new);
    }
}
