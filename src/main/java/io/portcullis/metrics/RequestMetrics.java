package io.portcullis.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.portcullis.chain.FilterStage;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.RequestObserver;
import io.portcullis.chain.Route;
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
    private final MeterCache<Labels, Series> series;
    private final MeterCache<Rejection, Counter> rejections;

    public RequestMetrics(MeterRegistry meters) {
        this.meters = meters;
        this.series = new MeterCache<>(this::register);
        this.rejections = new MeterCache<>(this::register);
    }

    @Override
    public void onComplete(HttpServletRequest request, int status, long durationNanos) {
        String route = RequestAttributes.ROUTE.get(request).map(Route::id).orElse(NO_ROUTE);
        boolean read = READ_METHODS.contains(request.getMethod());
        Series recorded = series.get(new Labels(route, read, status >= 100 && status <= 599 ? status : 0));
        recorded.requests().increment();
        recorded.duration().record(durationNanos, TimeUnit.NANOSECONDS);
        FilterStage stage = RequestAttributes.REJECTED_BY.get(request).orElse(null);
        if (stage != null) {
            rejections
                    .get(new Rejection(
                            stage, RequestAttributes.PROBLEM.get(request).orElse("unknown")))
                    .increment();
        }
    }

    private Series register(Labels labels) {
        String methodClass = labels.read() ? "read" : "write";
        String statusClass = labels.status() == 0 ? "other" : (labels.status() / 100) + "xx";
        Counter requests = Counter.builder("portcullis.requests")
                .description("Requests completed, by route, method class, status class and status")
                .tags(
                        "route",
                        labels.route(),
                        "method_class",
                        methodClass,
                        "status_class",
                        statusClass,
                        "status",
                        labels.status() == 0 ? "other" : Integer.toString(labels.status()))
                .register(meters);
        Timer duration = Timer.builder("portcullis.request.duration")
                .description("Whole requests, from arrival to completion, by route, method class and status class")
                .tags("route", labels.route(), "method_class", methodClass, "status_class", statusClass)
                .serviceLevelObjectives(LatencyBuckets.REQUEST)
                .register(meters);
        return new Series(requests, duration);
    }

    private Counter register(Rejection rejection) {
        return Counter.builder("portcullis.rejections")
                .description("Requests a stage answered itself, by stage and reason (problem type)")
                .tags("stage", rejection.stage().filterName(), "reason", rejection.reason())
                .register(meters);
    }

    /** A series' labels; status 0 stands for a status outside 100–599. */
    private record Labels(String route, boolean read, int status) {}

    private record Series(Counter requests, Timer duration) {}

    private record Rejection(FilterStage stage, String reason) {}
}
