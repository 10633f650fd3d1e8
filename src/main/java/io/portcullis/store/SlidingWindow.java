package io.portcullis.store;

import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import java.util.Arrays;

/**
 * Sliding-window log, as {@code redis/sliding-window.lua}: the times of the admitted requests of the last
 * window; a request is admitted while fewer than the limit are younger than the window. Exact, and
 * O(limit) memory per busy bucket. Stateless; the {@link Log} it keeps per bucket is mutable and touched
 * only under that bucket's lock (see {@link LocalAlgorithm}).
 */
final class SlidingWindow implements LocalAlgorithm<SlidingWindow.Log> {

    @Override
    public Step<Log> apply(Log state, Quota quota, long nowMillis) {
        Log log = state == null ? new Log() : state;
        long window = quota.window().toMillis();
        long now = Math.max(nowMillis, log.newest());
        log.dropUpTo(now - window);
        boolean admitted = log.size() < quota.limit();
        if (admitted) {
            log.add(now);
        }
        long size = log.size();
        int freeing = size >= quota.limit() ? (int) (size - quota.limit()) : 0;
        long resetMillis = size == 0 ? window : log.get(freeing) + window - now;
        long reset = LocalAlgorithm.secondsUntil(now + resetMillis, now);
        Decision decision = admitted
                ? new Decision(Decision.Outcome.ALLOWED, quota.limit(), Math.max(0, quota.limit() - size), reset)
                : new Decision(Decision.Outcome.LIMITED, quota.limit(), 0, reset);
        return new Step<>(log, size == 0 ? now + 1 : log.newest() + window, decision);
    }

    /** Admission times in ascending order, in a growable ring buffer. Not thread-safe. */
    static final class Log {
        private long[] times = new long[8];
        private int head;
        private int size;

        int size() {
            return size;
        }

        long get(int index) {
            return times[(head + index) % times.length];
        }

        long newest() {
            return size == 0 ? Long.MIN_VALUE : get(size - 1);
        }

        void add(long time) {
            if (size == times.length) {
                long[] grown = new long[times.length * 2];
                for (int i = 0; i < size; i++) {
                    grown[i] = get(i);
                }
                times = grown;
                head = 0;
            }
            times[(head + size) % times.length] = time;
            size++;
        }

        /** Forgets every time at or before {@code cutoff} (the Lua script's ZREMRANGEBYSCORE -inf cutoff). */
        void dropUpTo(long cutoff) {
            while (size > 0 && get(0) <= cutoff) {
                head = (head + 1) % times.length;
                size--;
            }
            if (size == 0 && times.length > 64) {
                times = new long[8];
                head = 0;
            }
        }

        @Override
        public String toString() {
            long[] copy = new long[size];
            Arrays.setAll(copy, this::get);
            return "Log" + Arrays.toString(copy);
        }
    }
}
