package io.portcullis.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import io.portcullis.chain.RequestAttributes;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteFilterTest {
    private final Route api = RouteTableTest.route("/api");
    private final RouteFilter filter = new RouteFilter(new RouteTable(List.of(), List.of(api)));
    private final FilterChain chain = mock(FilterChain.class);
    private final FakeResponse response = FakeResponse.create();

    @Test
    void doFilterWhenRouteMatchesThenStoresItAndContinuesOnce() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/api/orders");

        filter.doFilter(request, response, chain);

        verify(chain).doFilter(request, response);
        assertSame(api, RequestAttributes.ROUTE.get(request).orElseThrow());
        assertEquals(200, response.getStatus());
    }

    @Test
    void doFilterWhenNoRouteThen404ProblemAndChainNotCalled() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/nowhere");
        RequestAttributes.REQUEST_ID.set(request, "rid-1");

        filter.doFilter(request, response, chain);

        verifyNoInteractions(chain);
        assertEquals(404, response.getStatus());
        assertEquals("application/problem+json", response.getContentType());
        assertTrue(response.bodyText().contains("\"title\":\"No route\""), response.bodyText());
        assertTrue(response.bodyText().contains("\"request_id\":\"rid-1\""), response.bodyText());
        assertEquals("no-route", RequestAttributes.PROBLEM.get(request).orElseThrow());
    }

    @Test
    void doFilterWhenErrorDispatchThenPassesThroughUntouched() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/_portcullis/error").dispatcherType(DispatcherType.ERROR);

        filter.doFilter(request, response, chain);

        verify(chain).doFilter(request, response);
        assertTrue(RequestAttributes.ROUTE.get(request).isEmpty());
    }

    @Test
    void doFilterWhenAsyncDispatchThenPassesThroughUntouched() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/nowhere").dispatcherType(DispatcherType.ASYNC);

        filter.doFilter(request, response, chain);

        verify(chain).doFilter(request, response);
    }

    @Test
    void pathWhenServletPathAndPathInfoThenJoined() {
        assertEquals("/api/orders", RouteFilter.path(FakeRequest.of("GET", "/api/orders")));
        assertEquals("/", RouteFilter.path(FakeRequest.of("GET", "")));
    }
}
