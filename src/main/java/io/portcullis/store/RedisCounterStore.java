package io.portcullis.store;

import io.lettuce.core.ScriptOutputType;
import io.portcullis.ratelimit.CounterStore;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link CounterStore} in Redis ({@code fixed-window.lua}, one round trip per increment). While Redis is
 * unavailable it counts with {@code fallback} when there is one ({@code on-failure.rate-limit: allow}),
 * otherwise fails with {@link StoreUnavailableException}. Thread-safe.
 */
final class RedisCounterStore implements CounterStore {
    private final RedisConnector redis;
    private final RedisKeys keys;
    private final InMemoryCounterStore fallback;

    /** @param fallback the in-process counters to use while Redis is unavailable, or null to fail */
    RedisCounterStore(RedisConnector redis, RedisKeys keys, InMemoryCounterStore fallback) {
        this.redis = redis;
        this.keys = keys;
        this.fallback = fallback;
    }

    @Override
    public CompletionStage<Count> increment(String key, Duration window) {
        CompletableFuture<Count> counted = redis.<List<Long>>eval(
                        LuaScript.FIXED_WINDOW,
                        ScriptOutputType.MULTI,
                        new String[] {keys.counter(key)},
                        Long.toString(window.toMillis()))
                .thenApply(reply -> new Count(reply.get(0), LocalAlgorithm.secondsUntil(reply.get(1), 0)));
        return fallback == null ? counted : counted.exceptionally(failure -> fallback.incrementNow(key, window));
    }

    @Override
    public CompletionStage<Count> peek(String key) {
        String counter = keys.counter(key);
        CompletableFuture<String> value = redis.call(counter, c -> c.get(counter));
        CompletableFuture<Long> ttl = redis.call(counter, c -> c.pttl(counter));
        CompletableFuture<Count> count = value.thenCombine(
                ttl,
                (v, t) -> v == null
                        ? new Count(0, 0)
                        : new Count(Long.parseLong(v), t > 0 ? LocalAlgorithm.secondsUntil(t, 0) : 0));
        return fallback == null
                ? count
                : count.exceptionallyCompose(failure -> fallback.peek(key).toCompletableFuture());
    }

    @Override
    public CompletionStage<Void> reset(String key) {
        if (fallback != null) {
            fallback.reset(key);
        }
        CompletableFuture<Void> deleted =
                redis.call(keys.counter(key), c -> c.del(keys.counter(key))).thenApply(n -> null);
        return fallback == null ? deleted : deleted.exceptionally(failure -> null);
    }
}
