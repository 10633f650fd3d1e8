package io.portcullis.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.config.RouteConfig;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.FilterChain;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteStageTest {
    private final Route api = RouteTableTest.route("/api");
    private final Route admin = RouteTableTest.route("/api/admin");
    private final Route matrix = Route.configured(
            new RouteConfig(
                    "matrix",
                    "/matrix",
                    List.of(URI.create("http://127.0.0.1:1")),
                    RouteConfig.AuthMode.NONE,
                    List.of(),
                    Optional.empty(),
                    true,
                    false,
                    RouteConfig.DEFAULT_TIMEOUT,
                    false,
                    Optional.empty(),
                    true),
            (request, response) -> {});
    private final RouteStage filter = new RouteStage(new RouteTable(List.of(), List.of(api, admin, matrix)));
    private final FilterChain chain = mock(FilterChain.class);
    private final FakeResponse response = FakeResponse.create();

    @Test
    void doFilterWhenRouteMatchesThenStoresItAndContinuesOnce() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/api/orders");

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        assertSame(api, RequestAttributes.ROUTE.get(request).orElseThrow());
        assertEquals(200, response.getStatus());
    }

    @Test
    void doFilterWhenNoRouteThen404ProblemAndChainNotCalled() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/nowhere");
        RequestAttributes.REQUEST_ID.set(request, "rid-1");

        filter.handle(request, response, chain);

        verifyNoInteractions(chain);
        assertEquals(404, response.getStatus());
        assertEquals("application/problem+json", response.getContentType());
        assertTrue(response.bodyText().contains("\"title\":\"No route\""), response.bodyText());
        assertTrue(response.bodyText().contains("\"request_id\":\"rid-1\""), response.bodyText());
        assertEquals("no-route", RequestAttributes.PROBLEM.get(request).orElseThrow());
    }

    @Test
    void doFilterWhenPathIsCanonicalisedThenTheRouteMatchesTheCanonicalPath() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/api//public/./x/../%61dmin");

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        assertSame(api, RequestAttributes.ROUTE.get(request).orElseThrow());
        assertEquals(
                "/api/public/admin",
                RequestAttributes.PATH.get(request).orElseThrow().path());
        assertEquals("/api/public/admin", RouteStage.path(request));
    }

    /** The bypass: /e open, /e/admin protected; /e/./admin%3B/x reached the upstream as /admin;/x. */
    @Test
    void doFilterWhenEncodedSemicolonThen400ProblemAndChainNotCalled() throws Exception {
        assertBadPath(FakeRequest.of("GET", "/api/./admin%3B/x"));
        assertBadPath(FakeRequest.of("GET", "/api/public/./..%3B/admin/x"));
    }

    @Test
    void doFilterWhenPathParametersOnARouteWithoutThemThen400() throws Exception {
        assertBadPath(FakeRequest.of("GET", "/api/admin;/x"));
        assertBadPath(FakeRequest.of("GET", "/api/x;jsessionid=0123"));
    }

    @Test
    void doFilterWhenRouteAcceptsPathParametersThenMatchedWithoutThem() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/matrix;v=1/list;page=2");

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        assertSame(matrix, RequestAttributes.ROUTE.get(request).orElseThrow());
        assertEquals("/matrix/list", RouteStage.path(request));
        assertEquals(
                "/matrix;v=1/list;page=2",
                RequestAttributes.PATH.get(request).orElseThrow().encoded());
    }

    @Test
    void doFilterWhenDotDotClimbsAboveTheMatchedPrefixThen400() throws Exception {
        assertBadPath(FakeRequest.of("GET", "/api/public/../admin/x"));
        assertBadPath(FakeRequest.of("GET", "/api/admin/../admin/x"));
        assertBadPath(FakeRequest.of("GET", "/../api/x"));
    }

    @Test
    void doFilterWhenDotDotStaysInsideTheMatchedPrefixThenContinues() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/api/admin/x/../y");

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        assertSame(admin, RequestAttributes.ROUTE.get(request).orElseThrow());
    }

    /**
     * Upstreams outside the servlet world read paths more loosely: Express, ASP.NET and IIS match without case,
     * Windows drops trailing dots and spaces of a name, and some stacks apply Unicode NFKC (fullwidth
     * letters, a fullwidth solidus or full stop become ASCII). A path that such a reading moves under a more
     * specific route than the one it matched is refused.
     */
    @Test
    void doFilterWhenALooserReadingLandsUnderAMoreSpecificRouteThen400() throws Exception {
        for (String path : List.of(
                "/api/ADMIN/x",
                "/api/Admin",
                "/api/admin./x",
                "/api/admin%20/x",
                "/api/admin.%20./x",
                "/api/%EF%BD%81dmin/x",
                "/api/admin%EF%BC%8Fx",
                "/api/x/%EF%BC%8E%EF%BC%8E/admin/x",
                "/api/x%EF%BC%8F%EF%BC%8E%EF%BC%8E%EF%BC%8Fadmin")) {
            assertBadPath(FakeRequest.of("GET", path));
        }
    }

    @Test
    void doFilterWhenALooserReadingStaysOnTheSameRouteThenContinues() throws Exception {
        for (String path : List.of(
                "/api/Adminx",
                "/api/ORDERS/7",
                "/api/x./y",
                "/api/caf%C3%A9",
                "/api/%EF%BD%81",
                "/api/admin/X.",
                "/api/x%EF%BC%8Fy")) {
            FakeRequest request = FakeRequest.of("GET", path);
            FilterChain passed = mock(FilterChain.class);

            filter.handle(request, FakeResponse.create(), passed);

            verify(passed).doFilter(org.mockito.ArgumentMatchers.eq(request), org.mockito.ArgumentMatchers.any());
        }
    }

    @Test
    void doFilterWhenRoutesDifferOnlyInCaseThenEachStillServesItsOwnSpelling() throws Exception {
        Route upper = RouteTableTest.route("/API");
        RouteStage both = new RouteStage(new RouteTable(List.of(), List.of(api, upper)));
        FakeRequest request = FakeRequest.of("GET", "/API/x");

        both.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        assertSame(upper, RequestAttributes.ROUTE.get(request).orElseThrow());
    }

    /** The query goes upstream as sent; one that is not a URI query made the proxy throw (500). */
    @Test
    void doFilterWhenQueryIsNotAValidUriQueryThen400() throws Exception {
        for (String query : List.of("a=%zz&b=%", "a=%", "a=%2", "a=%g0", "a=b c", "a=b\tc")) {
            FakeResponse answer = FakeResponse.create();
            FilterChain untouched = mock(FilterChain.class);

            filter.handle(FakeRequest.of("GET", "/api/x").query(query), answer, untouched);

            verifyNoInteractions(untouched);
            assertEquals(400, answer.getStatus(), query);
            assertEquals("application/problem+json", answer.getContentType());
        }
    }

    @Test
    void doFilterWhenQueryIsWellFormedThenContinues() throws Exception {
        for (String query : List.of(
                "a=1&b=%C3%A9", "x=/../../admin", "a=b?c", "", "q=a+b&r=%25", "fields=a|b", "q=<script>", "f[a]={}")) {
            FakeRequest request = FakeRequest.of("GET", "/api/x").query(query);
            FilterChain passed = mock(FilterChain.class);

            filter.handle(request, FakeResponse.create(), passed);

            verify(passed).doFilter(org.mockito.ArgumentMatchers.eq(request), org.mockito.ArgumentMatchers.any());
        }
    }

    @Test
    void doFilterWhenNoRouteForAnAmbiguousPathThenStill400() throws Exception {
        assertBadPath(FakeRequest.of("GET", "/nowhere/%2e%2e/x"));
    }

    private void assertBadPath(FakeRequest request) throws Exception {
        FakeResponse answer = FakeResponse.create();
        FilterChain untouched = mock(FilterChain.class);

        filter.handle(request, answer, untouched);

        verifyNoInteractions(untouched);
        assertEquals(400, answer.getStatus(), request.getRequestURI());
        assertEquals("application/problem+json", answer.getContentType());
        assertTrue(answer.bodyText().contains("\"title\":\"Bad request path\""), answer.bodyText());
        assertTrue(answer.bodyText().contains("urn:portcullis:problem:ambiguous-path"), answer.bodyText());
        assertEquals("ambiguous-path", RequestAttributes.PROBLEM.get(request).orElseThrow());
        assertTrue(RequestAttributes.ROUTE.get(request).isEmpty());
    }

    @Test
    void pathWhenServletPathAndPathInfoThenJoined() {
        assertEquals("/api/orders", RouteStage.path(FakeRequest.of("GET", "/api/orders")));
        assertEquals("/", RouteStage.path(FakeRequest.of("GET", "")));
    }
}
