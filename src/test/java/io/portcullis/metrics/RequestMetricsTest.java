package io.portcullis.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.chain.FilterStage;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.testsupport.FakeRequest;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final RequestMetrics metrics = new RequestMetrics(meters);

    private static FakeRequest request(String method, String route) {
        FakeRequest request = FakeRequest.of(method, "/raw/path/7?x=1");
        if (route != null) {
            RequestAttributes.ROUTE.set(request, Route.endpoint(route, "/" + route, (req, res) -> {}));
        }
        return request;
    }

    @Test
    void onCompleteWhenReadThenCountedByRouteMethodClassAndStatus() {
        metrics.onComplete(request("GET", "orders"), 200, TimeUnit.MILLISECONDS.toNanos(12));
        metrics.onComplete(request("HEAD", "orders"), 200, TimeUnit.MILLISECONDS.toNanos(3));

        assertEquals(
                2.0,
                meters.get("portcullis.requests")
                        .tags("route", "orders", "method_class", "read", "status_class", "2xx", "status", "200")
                        .counter()
                        .count());
        assertEquals(
                2,
                meters.get("portcullis.request.duration")
                        .tags("route", "orders", "method_class", "read", "status_class", "2xx")
                        .timer()
                        .count());
    }

    @Test
    void onCompleteWhenWriteWithoutRouteThenRouteNoneAndNoRawPath() {
        metrics.onComplete(request("POST", null), 404, 1000);

        assertEquals(
                1.0,
                meters.get("portcullis.requests")
                        .tags("route", "none", "method_class", "write", "status", "404")
                        .counter()
                        .count());
        assertEquals(
                0,
                meters.getMeters().stream()
                        .flatMap(m -> m.getId().getTags().stream())
                        .filter(tag -> tag.getValue().contains("/raw"))
                        .count());
    }

    @Test
    void onCompleteWhenStageRejectedThenRejectionByStageAndReason() {
        FakeRequest request = request("GET", "orders");
        RequestAttributes.PROBLEM.set(request, "invalid-token");
        RequestAttributes.REJECTED_BY.set(request, FilterStage.JWT);

        metrics.onComplete(request, 401, 1000);

        assertEquals(
                1.0,
                meters.get("portcullis.rejections")
                        .tags("stage", "jwt", "reason", "invalid-token")
                        .counter()
                        .count());
    }

    @Test
    void onCompleteWhenProblemButNoStageThenNoRejection() {
        FakeRequest request = request("GET", "orders");
        RequestAttributes.PROBLEM.set(request, "bad-gateway");

        metrics.onComplete(request, 502, 1000);

        assertNull(meters.find("portcullis.rejections").counter());
    }

    @Test
    void onCompleteWhenStatusOutOfRangeThenOther() {
        metrics.onComplete(request("GET", "orders"), 999, 1000);

        assertEquals(
                1.0,
                meters.get("portcullis.requests")
                        .tags("status_class", "other", "status", "other")
                        .counter()
                        .count());
    }
}
