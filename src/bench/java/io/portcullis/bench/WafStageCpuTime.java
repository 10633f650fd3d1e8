package io.portcullis.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The requests of {@link WafStageBench}, timed by the CPU time of the measuring thread rather than by the wall
 * clock: on a machine shared with other work, a thread that waits for a core does not count that wait, so two
 * builds measured one after the other compare better than with JMH's wall-clock figures. Per request: a warm-up,
 * then {@code rounds} rounds of {@code batch} calls, reporting the median and the best round in µs per call.
 * Run with {@code mvn -Pbench -DskipTests test-compile exec:exec -Djmh.args=...} replaced by
 * {@code exec:java -Dexec.mainClass=io.portcullis.bench.WafStageCpuTime}; not part of {@code mvn verify}.
 */
public final class WafStageCpuTime {
    private WafStageCpuTime() {}

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 31;
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        WafStageBench bench = new WafStageBench();
        bench.setUp();
        Map<String, Supplier<Object>> requests = new LinkedHashMap<>();
        requests.put("json1kPost", bench::json1kPost);
        requests.put("form1kPost", bench::form1kPost);
        requests.put("getWithQuery", bench::getWithQuery);
        requests.put("getQueryOnly", bench::getQueryOnly);
        requests.put("getPlain", bench::getPlain);
        requests.put("getSqlInjection", bench::getSqlInjection);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Object sink = null;
        for (Supplier<Object> request : requests.values()) {
            for (int i = 0; i < 20_000; i++) {
                sink = request.get();
            }
        }
        for (Map.Entry<String, Supplier<Object>> request : requests.entrySet()) {
            List<Double> perCall = new ArrayList<>();
            for (int r = 0; r < rounds; r++) {
                long start = threads.getCurrentThreadCpuTime();
                for (int i = 0; i < batch; i++) {
                    sink = request.getValue().get();
                }
                perCall.add((threads.getCurrentThreadCpuTime() - start) / 1000.0 / batch);
            }
            Collections.sort(perCall);
            System.out.printf(
                    "%-16s median %8.2f µs  best %8.2f µs  (CPU time, %d rounds of %d)%n",
                    request.getKey(), perCall.get(perCall.size() / 2), perCall.get(0), rounds, batch);
        }
        if (sink == null) {
            System.out.println();
        }
    }
}
