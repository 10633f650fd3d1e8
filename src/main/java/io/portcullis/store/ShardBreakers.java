package io.portcullis.store;

import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * Redis Cluster: one {@link CircuitBreaker} per primary, so that a primary that stops answering opens the
 * breaker of its own slots only, and keys on the other primaries keep being served. A key's breaker is the one
 * of the primary that serves its slot in the current slot map; after a failover the slot's new primary (another
 * node) starts with a closed breaker, and a breaker whose node no longer serves slots is dropped
 * ({@link #retain}). A slot no known primary serves (no slot map yet, or a slot left uncovered) goes through the
 * connector's shared breaker. The owner probes open breakers and closes them ({@link CircuitBreaker#close}).
 * Thread-safe; {@link #of} is a CRC16 of the key, an array read and a map read on the hot path.
 */
final class ShardBreakers {
    private final ConcurrentMap<String, CircuitBreaker> byNode = new ConcurrentHashMap<>();
    private final Supplier<Partitions> slotMap;
    private final CircuitBreaker unknown;
    private final int failureThreshold;
    private final Clock clock;

    /**
     * @param slotMap the current slot map, or null before the first connection
     * @param unknown the breaker of a slot no known primary serves
     */
    ShardBreakers(Supplier<Partitions> slotMap, CircuitBreaker unknown, int failureThreshold, Clock clock) {
        this.slotMap = slotMap;
        this.unknown = unknown;
        this.failureThreshold = failureThreshold;
        this.clock = clock;
    }

    /** The breaker of the primary that serves {@code key}'s slot. */
    CircuitBreaker of(String key) {
        Partitions partitions = slotMap.get();
        RedisClusterNode owner = partitions == null ? null : partitions.getPartitionBySlot(SlotHash.getSlot(key));
        if (owner == null || owner.getNodeId() == null) {
            return unknown;
        }
        CircuitBreaker known = byNode.get(owner.getNodeId());
        return known != null
                ? known
                : byNode.computeIfAbsent(
                        owner.getNodeId(),
                        id -> new CircuitBreaker(
                                "Redis Cluster primary " + address(owner), failureThreshold, clock, false));
    }

    /** The open breakers, by node id. */
    Map<String, CircuitBreaker> open() {
        Map<String, CircuitBreaker> open = new HashMap<>();
        byNode.forEach((node, breaker) -> {
            if (!breaker.allowsCalls()) {
                open.put(node, breaker);
            }
        });
        return open;
    }

    /** Forgets the breakers of nodes that serve no slot any more (a failed-over primary, a removed node). */
    void retain(Set<String> primaries) {
        byNode.keySet().retainAll(primaries);
    }

    private static String address(RedisClusterNode node) {
        return node.getUri() == null
                ? node.getNodeId()
                : node.getUri().getHost() + ":" + node.getUri().getPort();
    }
}
