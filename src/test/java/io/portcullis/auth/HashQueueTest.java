package io.portcullis.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class HashQueueTest {

    @Test
    void runWhenManyCallersThenNeverMoreThanTheSlotsAtOnceAndTheRestTurnedAway() throws Exception {
        HashQueue queue = new HashQueue(2, 3, Duration.ofSeconds(30));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger turnedAway = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(20);
        try {
            for (int i = 0; i < 20; i++) {
                pool.submit(() -> {
                    try {
                        queue.run(() -> {
                            most.accumulateAndGet(running.incrementAndGet(), Math::max);
                            try {
                                release.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            running.decrementAndGet();
                            return null;
                        });
                    } catch (HashQueue.Full e) {
                        turnedAway.incrementAndGet();
                    }
                });
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (turnedAway.get() < 15 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(15, turnedAway.get(), "2 running + 3 waiting, the other 15 turned away at once");
            release.countDown();
        } finally {
            pool.shutdown();
            assertTrue(pool.awaitTermination(20, TimeUnit.SECONDS));
        }
        assertEquals(2, most.get());
    }

    @Test
    void runWhenWaitedLongerThanMaxWaitThenFull() throws Exception {
        HashQueue queue = new HashQueue(1, 1, Duration.ofMillis(50));
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> queue.run(() -> {
            holding.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        holder.start();
        holding.await();

        assertThrows(HashQueue.Full.class, () -> queue.run(() -> "late"));

        release.countDown();
        holder.join();
        assertEquals("free", queue.run(() -> "free"));
    }

    @Test
    void derivedSlotsWhenHeapsAndProcessorsThenAQuarterOfTheHeapCappedByCpu() {
        long mib = 1024L * 1024;
        assertEquals(3, HashQueue.derivedSlots(256 * mib, 8));
        assertEquals(4, HashQueue.derivedSlots(512 * mib, 2));
        assertEquals(1, HashQueue.derivedSlots(32 * mib, 2));
        assertEquals(16, HashQueue.derivedSlots(8192 * mib, 8));
        assertEquals(16, HashQueue.derivedSlots(Long.MAX_VALUE, 8));
    }
}
