package io.portcullis.store;

import io.lettuce.core.ScriptOutputType;
import io.portcullis.direct.DirectStore;
import io.portcullis.direct.DirectValue;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@link DirectStore} in Redis, on the application's own keys (no key prefix). A read is one round trip
 * ({@code direct-get.lua}: TYPE, then GET or HGETALL); a write is SET (any previous type is replaced, no
 * TTL); a delete is DEL. Thread-safe.
 */
final class RedisDirectStore implements DirectStore {
    private final RedisConnector redis;

    RedisDirectStore(RedisConnector redis) {
        this.redis = redis;
    }

    @Override
    public CompletionStage<DirectValue> get(String key) {
        return redis.<List<Object>>eval(LuaScript.DIRECT_GET, ScriptOutputType.MULTI, new String[] {key})
                .thenApply(RedisDirectStore::value);
    }

    static DirectValue value(List<Object> reply) {
        String type = reply.isEmpty() ? "none" : String.valueOf(reply.get(0));
        switch (type) {
            case "none":
                return DirectValue.ABSENT;
            case "string":
                return new DirectValue.Text(String.valueOf(reply.get(1)));
            case "hash":
                Map<String, String> fields = new LinkedHashMap<>();
                for (int i = 1; i + 1 < reply.size(); i += 2) {
                    fields.put(String.valueOf(reply.get(i)), String.valueOf(reply.get(i + 1)));
                }
                return new DirectValue.Hash(fields);
            default:
                return new DirectValue.Unsupported(type);
        }
    }

    @Override
    public CompletionStage<Void> put(String key, String value) {
        return redis.call(key, c -> c.set(key, value)).thenApply(ok -> null);
    }

    @Override
    public CompletionStage<Boolean> delete(String key) {
        return redis.call(key, c -> c.del(key)).thenApply(count -> count != null && count > 0);
    }
}
