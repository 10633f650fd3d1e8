package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.models.partitions.Partitions;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.portcullis.testsupport.MutableClock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ShardBreakersTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final CircuitBreaker shared = new CircuitBreaker("shared", 3, clock, false);
    private final AtomicReference<Partitions> slotMap = new AtomicReference<>();
    private final ShardBreakers breakers = new ShardBreakers(slotMap::get, shared, 3, clock);

    private static RedisClusterNode primary(String id, int port, int fromSlot, int toSlot) {
        return new RedisClusterNode(
                RedisURI.create("redis://127.0.0.1:" + port),
                id,
                true,
                null,
                0,
                0,
                0,
                IntStream.rangeClosed(fromSlot, toSlot).boxed().toList(),
                Set.of(RedisClusterNode.NodeFlag.UPSTREAM));
    }

    private static Partitions partitions(RedisClusterNode... nodes) {
        Partitions partitions = new Partitions();
        for (RedisClusterNode node : nodes) {
            partitions.addPartition(node);
        }
        partitions.updateCache();
        return partitions;
    }

    /** A key whose slot is in [from, to]. */
    private static String keyIn(int from, int to) {
        for (int i = 0; ; i++) {
            int slot = SlotHash.getSlot("k" + i);
            if (slot >= from && slot <= to) {
                return "k" + i;
            }
        }
    }

    @Test
    void ofWhenKeysOnTwoPrimariesThenEachHasItsOwnBreaker() {
        slotMap.set(partitions(primary("a", 7001, 0, 8191), primary("b", 7002, 8192, 16383)));
        String onA = keyIn(0, 8191);
        String onB = keyIn(8192, 16383);

        CircuitBreaker a = breakers.of(onA);
        for (int i = 0; i < 3; i++) {
            a.onFailure("timeout");
        }

        assertFalse(breakers.of(onA).allowsCalls());
        assertTrue(breakers.of(onB).allowsCalls(), "the other primary's keys are served");
        assertTrue(shared.allowsCalls());
        assertNotSame(breakers.of(onA), breakers.of(onB));
        assertSame(a, breakers.of(keyIn(0, 100)), "one breaker per primary, not per key");
        assertEquals(Set.of("a"), breakers.open().keySet());
    }

    @Test
    void ofWhenNoSlotMapOrSlotUncoveredThenTheSharedBreaker() {
        assertSame(shared, breakers.of("any"));

        slotMap.set(partitions(primary("a", 7001, 0, 8191)));

        assertSame(shared, breakers.of(keyIn(8192, 16383)));
    }

    @Test
    void ofWhenSlotsMovedToThePromotedReplicaThenItsOwnClosedBreakerAndTheOldOneForgotten() {
        slotMap.set(partitions(primary("a", 7001, 0, 8191), primary("b", 7002, 8192, 16383)));
        String onA = keyIn(0, 8191);
        CircuitBreaker dead = breakers.of(onA);
        for (int i = 0; i < 3; i++) {
            dead.onFailure("connection");
        }

        slotMap.set(partitions(primary("a2", 7003, 0, 8191), primary("b", 7002, 8192, 16383)));
        breakers.retain(Set.of("a2", "b"));

        assertTrue(breakers.of(onA).allowsCalls(), "the promoted replica serves the slots");
        assertNotSame(dead, breakers.of(onA));
        assertEquals(List.of(), List.copyOf(breakers.open().keySet()));
    }
}
