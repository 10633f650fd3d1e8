package io.portcullis.proxy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The targets of one route, chosen round-robin. A target that refused a connection is skipped for a
 * back-off that doubles with each consecutive failure (up to {@link #MAX_BACKOFF}); when every target
 * is backing off, the rotation continues anyway so that one of them is retried. Thread-safe, lock-free.
 */
public final class UpstreamPool {
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(2);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(UpstreamPool.class);

    private final String routeId;
    private final List<URI> targets;
    private final Clock clock;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicLongArray downUntil;
    private final AtomicLongArray failures;

    public UpstreamPool(String routeId, List<URI> targets, Clock clock) {
        if (targets.isEmpty()) {
            throw new IllegalArgumentException("a pool needs at least one target");
        }
        this.routeId = routeId;
        this.targets = List.copyOf(targets);
        this.clock = clock;
        this.downUntil = new AtomicLongArray(targets.size());
        this.failures = new AtomicLongArray(targets.size());
    }

    public List<URI> targets() {
        return targets;
    }

    /** The index of the target to use for the next request. */
    public int choose() {
        int size = targets.size();
        int start = Math.floorMod(next.getAndIncrement(), size);
        if (size == 1) {
            return 0;
        }
        long now = clock.millis();
        for (int i = 0; i < size; i++) {
            int candidate = (start + i) % size;
            if (downUntil.get(candidate) <= now) {
                return candidate;
            }
        }
        return start;
    }

    public URI target(int index) {
        return targets.get(index);
    }

    /** Records that a target refused a connection: it is skipped for a growing back-off. */
    public void onConnectFailure(int index) {
        long count = failures.incrementAndGet(index);
        long backoff = Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(count - 1, 10));
        long previous = downUntil.getAndSet(index, clock.millis() + backoff);
        if (previous == 0) {
            LOG.warn(
                    "upstream {} of route {} refused a connection; skipping it for {} ms",
                    targets.get(index),
                    routeId,
                    backoff);
        }
    }

    /** Records a successful exchange: the target is healthy again. */
    public void onSuccess(int index) {
        if (downUntil.get(index) != 0) {
            downUntil.set(index, 0);
            failures.set(index, 0);
            LOG.warn("upstream {} of route {} is reachable again", targets.get(index), routeId);
        }
    }
}
