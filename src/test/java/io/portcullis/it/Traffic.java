package io.portcullis.it;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Bounded background traffic for the fault and soak tests: a few threads send a mix of request kinds
 * round-robin over the nodes, at a steady rate or as fast as they go, until {@link #stop}. Each answer is
 * checked against its kind: the statuses it may have (more while the test says the gateway is
 * {@link #degraded}, for example while Redis is down), problem+json for every error the gateway makes,
 * {@code Retry-After} on every 503, no stack trace or container page, and no answer slower than
 * {@code maxLatency}. Everything else is recorded as a violation. Thread-safe.
 */
final class Traffic implements AutoCloseable {
    private static final int MAX_VIOLATIONS_KEPT = 50;

    /**
     * One kind of request.
     *
     * @param name for the report
     * @param request builds the request for a node
     * @param normal the statuses allowed while the gateway is healthy
     * @param degraded the statuses also allowed while it is degraded
     * @param check a further check of the answer: null when fine, else what is wrong
     */
    record Kind(
            String name,
            Function<GatewayNode, HttpRequest> request,
            Set<Integer> normal,
            Set<Integer> degraded,
            BiFunction<GatewayNode, HttpResponse<byte[]>, String> check) {
        Kind(String name, Function<GatewayNode, HttpRequest> request, Set<Integer> normal, Set<Integer> degraded) {
            this(name, request, normal, degraded, (node, response) -> null);
        }
    }

    private final List<GatewayNode> nodes;
    private final List<Kind> kinds;
    private final Duration maxLatency;
    private final long intervalNanos;
    private final ExecutorService workers;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong nextSlot = new AtomicLong(System.nanoTime());
    private final Map<String, Map<Integer, LongAdder>> statuses = new ConcurrentHashMap<>();
    private final LongAdder failures = new LongAdder();
    private final AtomicLong maxLatencyNanos = new AtomicLong();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final LongAdder violationCount = new LongAdder();
    private volatile boolean degraded;

    /**
     * Starts sending at once.
     *
     * @param perSecond the steady rate over all threads, or 0 for as fast as {@code threads} go
     */
    Traffic(List<GatewayNode> nodes, List<Kind> kinds, int threads, int perSecond, Duration maxLatency) {
        this.nodes = List.copyOf(nodes);
        this.kinds = List.copyOf(kinds);
        this.maxLatency = maxLatency;
        this.intervalNanos = perSecond == 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / perSecond;
        this.workers = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "traffic");
            thread.setDaemon(true);
            return thread;
        });
        for (int i = 0; i < threads; i++) {
            workers.execute(this::run);
        }
    }

    /** While true, the kinds' degraded statuses are allowed too (set before the fault, cleared after recovery). */
    void degraded(boolean value) {
        degraded = value;
    }

    private void run() {
        while (running.get()) {
            if (intervalNanos > 0) {
                long slot = nextSlot.getAndAdd(intervalNanos);
                long wait = slot - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (!running.get()) {
                    return;
                }
            }
            long n = sequence.getAndIncrement();
            Kind kind = kinds.get((int) (n % kinds.size()));
            GatewayNode node = nodes.get((int) ((n / kinds.size()) % nodes.size()));
            send(kind, node);
        }
    }

    private void send(Kind kind, GatewayNode node) {
        boolean degradedAtStart = degraded;
        long start = System.nanoTime();
        HttpResponse<byte[]> response;
        try {
            response = Http.CLIENT.send(kind.request().apply(node), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            failures.increment();
            violation(kind, node, "no answer: " + e);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long took = System.nanoTime() - start;
        maxLatencyNanos.accumulateAndGet(took, Math::max);
        int status = response.statusCode();
        statuses.computeIfAbsent(kind.name(), k -> new ConcurrentHashMap<>())
                .computeIfAbsent(status, k -> new LongAdder())
                .increment();
        boolean allowed = kind.normal().contains(status)
                || ((degradedAtStart || degraded) && kind.degraded().contains(status));
        if (!allowed) {
            violation(kind, node, "status " + status + ": " + text(response));
        }
        if (took > maxLatency.toNanos()) {
            violation(kind, node, "answered after " + Duration.ofNanos(took).toMillis() + " ms");
        }
        String contentType = response.headers().firstValue("Content-Type").orElse("");
        String body = text(response);
        if (status >= 400 && !contentType.startsWith("application/problem+json")) {
            violation(kind, node, status + " is not problem+json (" + contentType + "): " + body);
        }
        if (status == 503 && response.headers().firstValue("Retry-After").isEmpty()) {
            violation(kind, node, "503 without Retry-After");
        }
        if (status >= 400 && (body.contains("Exception") || body.contains("\tat ") || body.contains("<html"))) {
            violation(kind, node, "internals in the body: " + body);
        }
        String problem = kind.check().apply(node, response);
        if (problem != null) {
            violation(kind, node, problem);
        }
    }

    private static String text(HttpResponse<byte[]> response) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    private void violation(Kind kind, GatewayNode node, String what) {
        violationCount.increment();
        if (violations.size() < MAX_VIOLATIONS_KEPT) {
            violations.add(kind.name() + " on " + node + ": " + what);
        }
    }

    /** Stops sending and waits (at most {@code within}) for the requests in flight. */
    void stop(Duration within) {
        running.set(false);
        workers.shutdown();
        try {
            if (!workers.awaitTermination(within.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
                throw new AssertionError("requests still in flight " + within + " after the traffic stopped");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Answers by kind and status so far. */
    Map<String, Map<Integer, Long>> statuses() {
        Map<String, Map<Integer, Long>> copy = new TreeMap<>();
        statuses.forEach((kind, counts) -> {
            Map<Integer, Long> byStatus = new TreeMap<>();
            counts.forEach((status, count) -> byStatus.put(status, count.sum()));
            copy.put(kind, byStatus);
        });
        return copy;
    }

    long count(String kind, int status) {
        Map<Integer, LongAdder> counts = statuses.get(kind);
        LongAdder count = counts == null ? null : counts.get(status);
        return count == null ? 0 : count.sum();
    }

    long total() {
        return statuses.values().stream()
                        .flatMap(m -> m.values().stream())
                        .mapToLong(LongAdder::sum)
                        .sum()
                + failures.sum();
    }

    Duration maxLatency() {
        return Duration.ofNanos(maxLatencyNanos.get());
    }

    long violationCount() {
        return violationCount.sum();
    }

    /** The first violations (at most 50), for the assertion message. */
    List<String> violations() {
        return Collections.unmodifiableList(new ArrayList<>(violations));
    }

    @Override
    public void close() {
        if (running.get()) {
            stop(Duration.ofSeconds(30));
        }
    }
}
