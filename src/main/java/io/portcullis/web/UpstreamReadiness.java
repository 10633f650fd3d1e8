package io.portcullis.web;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reports whether each upstream accepts TCP connections, probing them in parallel with a short connect
 * timeout, at most once per {@link #CACHE_FOR}. An unreachable upstream is reported but never makes
 * the gateway unready: other routes still work. Thread-safe.
 */
final class UpstreamReadiness implements ReadinessCheck, AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
    static final Duration CACHE_FOR = Duration.ofSeconds(2);

    private final List<URI> upstreams;
    private final ExecutorService probes;
    private final AtomicReference<Snapshot> last = new AtomicReference<>();

    UpstreamReadiness(List<URI> upstreams) {
        Set<URI> distinct = new LinkedHashSet<>(upstreams);
        this.upstreams = List.copyOf(distinct);
        this.probes = Executors.newFixedThreadPool(Math.max(1, Math.min(8, distinct.size())), runnable -> {
            Thread thread = new Thread(runnable, "portcullis-upstream-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public String name() {
        return "upstreams";
    }

    @Override
    public Result check() {
        long now = System.nanoTime();
        Snapshot snapshot = last.get();
        if (snapshot == null || now - snapshot.takenNanos() > CACHE_FOR.toNanos()) {
            snapshot = new Snapshot(now, probeAll());
            last.set(snapshot);
        }
        return new Result(true, snapshot.states());
    }

    private Map<String, Map<String, String>> probeAll() {
        List<CompletableFuture<Boolean>> futures = new ArrayList<>();
        for (URI upstream : upstreams) {
            futures.add(CompletableFuture.supplyAsync(() -> reachable(upstream), probes));
        }
        Map<String, Map<String, String>> states = new LinkedHashMap<>();
        for (int i = 0; i < upstreams.size(); i++) {
            states.put(
                    upstreams.get(i).toString(), Map.of("status", futures.get(i).join() ? "up" : "down"));
        }
        return states;
    }

    private static boolean reachable(URI upstream) {
        int port = upstream.getPort() >= 0
                ? upstream.getPort()
                : ("https".equalsIgnoreCase(upstream.getScheme()) ? 443 : 80);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(upstream.getHost(), port), (int) CONNECT_TIMEOUT.toMillis());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public void close() {
        probes.shutdownNow();
    }

    private record Snapshot(long takenNanos, Map<String, Map<String, String>> states) {}
}
