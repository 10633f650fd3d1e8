package io.portcullis.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.RemovalListener;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A bounded map whose entries each expire at their own instant, on the injected clock: the in-memory
 * stand-in for Redis keys with a TTL. Reads never return an expired entry, whether or not Caffeine has
 * evicted it yet. Past {@code maximumSize} the least valuable entries are evicted (Caffeine's policy).
 * Thread-safe; {@link #compute} is atomic per key.
 */
final class ExpiringMap<K, V> {
    private final Clock clock;
    private final Cache<K, Entry<V>> cache;

    ExpiringMap(Clock clock, long maximumSize) {
        this(clock, maximumSize, null);
    }

    /** @param onRemoval called with the key and value of every entry that leaves the map (removed, expired
     *     or evicted; not when replaced) */
    ExpiringMap(Clock clock, long maximumSize, BiConsumer<K, V> onRemoval) {
        this.clock = clock;
        Caffeine<Object, Object> builder = Caffeine.newBuilder()
                .maximumSize(maximumSize)
                .executor(Runnable::run)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()));
        Caffeine<K, Entry<V>> typed = builder.expireAfter(new EntryExpiry<K, V>());
        if (onRemoval != null) {
            RemovalListener<K, Entry<V>> listener = (key, entry, cause) -> {
                if (key != null && entry != null && cause != RemovalCause.REPLACED) {
                    onRemoval.accept(key, entry.value());
                }
            };
            typed = typed.removalListener(listener);
        }
        this.cache = typed.build();
    }

    Optional<V> get(K key) {
        Entry<V> entry = cache.getIfPresent(key);
        return entry == null || expired(entry) ? Optional.empty() : Optional.of(entry.value());
    }

    /** Stores {@code value} until {@code expiresAt}; an instant not after now removes the key instead. */
    void put(K key, V value, Instant expiresAt) {
        if (expiresAt.toEpochMilli() <= clock.millis()) {
            cache.invalidate(key);
        } else {
            cache.put(key, new Entry<>(value, expiresAt.toEpochMilli()));
        }
    }

    /**
     * Atomically replaces the live entry of {@code key} (null when absent or expired) with what
     * {@code update} returns; null removes it.
     */
    Optional<V> compute(K key, Function<Entry<V>, Entry<V>> update) {
        Entry<V> result = cache.asMap().compute(key, (k, old) -> {
            Entry<V> next = update.apply(old == null || expired(old) ? null : old);
            return next == null || expired(next) ? null : next;
        });
        return Optional.ofNullable(result).map(Entry::value);
    }

    Optional<V> remove(K key) {
        Entry<V> old = cache.asMap().remove(key);
        return old == null || expired(old) ? Optional.empty() : Optional.of(old.value());
    }

    long now() {
        return clock.millis();
    }

    private boolean expired(Entry<V> entry) {
        return entry.expiresAtMillis() <= clock.millis();
    }

    /** A value and the epoch millisecond at which it expires. */
    record Entry<V>(V value, long expiresAtMillis) {}

    private static final class EntryExpiry<K, V> implements Expiry<K, Entry<V>> {
        @Override
        public long expireAfterCreate(K key, Entry<V> entry, long currentTime) {
            return Math.max(0, TimeUnit.MILLISECONDS.toNanos(entry.expiresAtMillis()) - currentTime);
        }

        @Override
        public long expireAfterUpdate(K key, Entry<V> entry, long currentTime, long currentDuration) {
            return expireAfterCreate(key, entry, currentTime);
        }

        @Override
        public long expireAfterRead(K key, Entry<V> entry, long currentTime, long currentDuration) {
            return currentDuration;
        }
    }
}
