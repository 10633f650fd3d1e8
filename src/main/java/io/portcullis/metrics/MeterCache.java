package io.portcullis.metrics;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The meters of one family, by their label values, registered once and then found with a single map lookup.
 * Building a Micrometer id (tags sorted, histogram settings copied) on every request costs more than recording
 * the value; this keeps that to the first request of each series. Keys must be bounded like the labels they
 * stand for (route ids, status codes, outcomes), never raw request data. Thread-safe.
 *
 * @param <K> the label values, a record with value equality
 * @param <M> the meter, or a group of meters recorded together
 */
public final class MeterCache<K, M> {
    private final ConcurrentHashMap<K, M> meters = new ConcurrentHashMap<>();
    private final Function<K, M> register;

    /** @param register builds and registers the meter of a key the cache has not seen */
    public MeterCache(Function<K, M> register) {
        this.register = register;
    }

    public M get(K key) {
        M meter = meters.get(key);
        return meter != null ? meter : meters.computeIfAbsent(key, register);
    }
}
