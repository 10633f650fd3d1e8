package io.portcullis.auth;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The bounded queue in front of password hashing: at most {@code running} Argon2 computations at once (each
 * holds {@value PasswordHasher#OWASP_MEMORY_KIB} KiB of heap while it runs), at most {@code waiting} more
 * callers waiting for a turn, each for at most {@code maxWait}; anyone else is turned away at once with
 * {@link Full}, answered 503 with {@code Retry-After}. So no burst of registrations or logins can hold more
 * hashing memory than {@code running} computations do. Thread-safe.
 */
final class HashQueue {
    /** Callers allowed to wait, per running slot. */
    static final int WAITING_PER_SLOT = 4;

    static final Duration MAX_WAIT = Duration.ofSeconds(5);
    /** Bytes one hash holds, with room for its bookkeeping. */
    static final long BYTES_PER_HASH = (PasswordHasher.OWASP_MEMORY_KIB + 1024L) * 1024;
    /** Seconds a turned-away caller is told to wait. */
    static final String RETRY_AFTER_SECONDS = "2";

    private final Semaphore running;
    private final int maxWaiting;
    private final AtomicInteger waiting = new AtomicInteger();
    private final Duration maxWait;
    private final int slots;

    HashQueue(int running, int maxWaiting, Duration maxWait) {
        if (running < 1 || maxWaiting < 0) {
            throw new IllegalArgumentException("running " + running + ", waiting " + maxWaiting);
        }
        this.running = new Semaphore(running, true);
        this.maxWaiting = maxWaiting;
        this.maxWait = maxWait;
        this.slots = running;
    }

    /** A queue of {@code running} slots (0: derived from this JVM's heap and processors). */
    static HashQueue of(int configured) {
        int slots = configured > 0
                ? configured
                : derivedSlots(
                        Runtime.getRuntime().maxMemory(), Runtime.getRuntime().availableProcessors());
        return new HashQueue(slots, slots * WAITING_PER_SLOT, MAX_WAIT);
    }

    /**
     * A quarter of the heap for hashing, and no more hashes at once than twice the processors (more would only
     * wait for the CPU while holding their memory); at least one.
     */
    static int derivedSlots(long maxHeapBytes, int processors) {
        long byHeap = maxHeapBytes == Long.MAX_VALUE ? Integer.MAX_VALUE : maxHeapBytes / 4 / BYTES_PER_HASH;
        long byCpu = Math.max(2, 2L * processors);
        return (int) Math.max(1, Math.min(byHeap, byCpu));
    }

    int slots() {
        return slots;
    }

    /** Runs {@code hashing} when a slot is free; waits for one only while the queue is short. */
    <T> T run(Supplier<T> hashing) {
        if (!running.tryAcquire()) {
            if (waiting.incrementAndGet() > maxWaiting) {
                waiting.decrementAndGet();
                throw new Full();
            }
            try {
                if (!running.tryAcquire(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new Full();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Full();
            } finally {
                waiting.decrementAndGet();
            }
        }
        try {
            return hashing.get();
        } finally {
            running.release();
        }
    }

    /** The queue is full: 503 with {@code Retry-After}. Carries no stack trace. */
    static final class Full extends RuntimeException {
        Full() {
            super("password hashing is at capacity", null, false, false);
        }
    }
}
