package io.portcullis.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.portcullis.chain.FilterStage;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.RequestObserver;
import io.portcullis.route.Route;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Records each completed request: {@code portcullis.requests} (a counter by route, method class, status
 * class and status), {@code portcullis.request.duration} (a histogram by route, method class and status
 * class) and, when a stage answered the request itself, {@code portcullis.rejections} by stage and reason
 * (the problem type: {@code request-blocked}, {@code invalid-token}, {@code rate-limited}, …). The route
 * label is the route id ({@code none} before or without a route); the method class is {@code read} (GET,
 * HEAD, OPTIONS, TRACE) or {@code write}. Thread-safe.
 */
public final class RequestMetrics implements RequestObserver {
    /** The route label of a request that resolved to no route. */
    static final String NO_ROUTE = "none";
    private static final Set<String> READ_METHODS = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private final MeterRegistry meters;

    public RequestMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void onComplete(HttpServletRequest request, int status, long durationNanos) {
        String route = RequestAttributes.ROUTE.get(request).map(Route::id).orElse(NO_ROUTE);
        String methodClass = READ_METHODS.contains(request.getMethod()) ? "read" : "write";
        boolean valid = status >= 100 && status <= 599;
        String statusClass = valid ? (status / 100) + "xx" : "other";
        Counter.builder("portcullis.requests")
                .description("Requests completed, by route, method class, status class and status")
                .tags("route", route, "method_class", methodClass, "status_class", statusClass,
                        "status", valid ? Integer.toString(status) : "other")
                .register(meters).increment();
        Timer.builder("portcullis.request.duration")
                .description("Whole requests, from arrival to completion, by route, method class and status class")
                .tags("route", route, "method_class", methodClass, "status_class", statusClass)
                .serviceLevelObjectives(LatencyBuckets.REQUEST)
                .register(meters).record(durationNanos, TimeUnit.NANOSECONDS);
        FilterStage stage = RequestAttributes.REJECTED_BY.get(request).orElse(null);
        if (stage != null) {
            Counter.builder("portcullis.rejections")
                    .description("Requests a stage answered itself, by stage and reason (problem type)")
                    .tags("stage", stage.filterName(), "reason", RequestAttributes.PROBLEM.get(request).orElse("unknown"))
                    .register(meters).increment();
        }
    }
}
