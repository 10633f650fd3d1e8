package io.portcullis.store;

import io.portcullis.config.RateLimitsConfig;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import java.util.List;

/**
 * The rate-limit algorithms the stores implement, each a Lua script (one EVALSHA per request, {@code KEYS[1]}
 * = the bucket key) with a reading of its reply and an in-process twin.
 */
enum RateLimitAlgorithm {
    /** {@code fixed-window.lua} answers {count, ms until reset}; within the limit is allowed. */
    FIXED_WINDOW("fw", LuaScript.FIXED_WINDOW, new FixedWindow()) {
        @Override
        String[] arguments(Quota quota) {
            return new String[] {Long.toString(quota.window().toMillis())};
        }

        @Override
        Decision decide(List<Long> reply, Quota quota) {
            long count = reply.get(0);
            long reset = Math.max(1, (reply.get(1) + 999) / 1000);
            return count <= quota.limit()
                    ? new Decision(Decision.Outcome.ALLOWED, quota.limit(), quota.limit() - count, reset)
                    : new Decision(Decision.Outcome.LIMITED, quota.limit(), 0, reset);
        }
    },
    /** {@code sliding-window.lua}: an exact sliding log in a sorted set. */
    SLIDING_WINDOW("sw", LuaScript.SLIDING_WINDOW, new SlidingWindow()),
    /** {@code token-bucket.lua}: a bucket of {@code limit} tokens refilled evenly over the window. */
    TOKEN_BUCKET("tb", LuaScript.TOKEN_BUCKET, new TokenBucket());

    private final String keyTag;
    private final LuaScript script;
    private final LocalAlgorithm<?> local;

    RateLimitAlgorithm(String keyTag, LuaScript script, LocalAlgorithm<?> local) {
        this.keyTag = keyTag;
        this.script = script;
        this.local = local;
    }

    /** The script's ARGV for a quota: by default {limit, window ms}. */
    String[] arguments(Quota quota) {
        return new String[] {
            Long.toString(quota.limit()), Long.toString(quota.window().toMillis())
        };
    }

    /**
     * The decision the script's reply (a list of integers) means: by default the reply is {1 admitted |
     * 0 refused, remaining, ms until the remaining count next grows}.
     */
    Decision decide(List<Long> reply, Quota quota) {
        long reset = Math.max(1, (reply.get(2) + 999) / 1000);
        return reply.get(0) == 1
                ? new Decision(Decision.Outcome.ALLOWED, quota.limit(), reply.get(1), reset)
                : new Decision(Decision.Outcome.LIMITED, quota.limit(), 0, reset);
    }

    /** Part of the bucket key, so that buckets of two algorithms never share a key. */
    String keyTag() {
        return keyTag;
    }

    LuaScript script() {
        return script;
    }

    LocalAlgorithm<?> local() {
        return local;
    }

    /** The implementation of a configured algorithm. */
    static RateLimitAlgorithm of(RateLimitsConfig.Algorithm configured) {
        return switch (configured) {
            case FIXED_WINDOW -> FIXED_WINDOW;
            case SLIDING_WINDOW -> SLIDING_WINDOW;
            case TOKEN_BUCKET -> TOKEN_BUCKET;
        };
    }
}
