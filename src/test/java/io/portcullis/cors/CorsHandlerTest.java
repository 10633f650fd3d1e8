package io.portcullis.cors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import io.portcullis.chain.Route;
import io.portcullis.config.CorsConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.route.RouteStage;
import io.portcullis.route.RouteTable;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.FilterChain;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The CORS stage as the route stage runs it: {@link RouteStage} with a {@link CorsHandler}. */
class CorsHandlerTest {
    private static final String APP = "https://app.example.com";

    private static Route route(String prefix) {
        return Route.configured(
                new RouteConfig(
                        prefix,
                        prefix,
                        List.of(URI.create("http://127.0.0.1:1")),
                        RouteConfig.AuthMode.JWT,
                        List.of(),
                        Optional.empty(),
                        true,
                        false,
                        RouteConfig.DEFAULT_TIMEOUT,
                        false,
                        Optional.empty()),
                (request, response) -> {});
    }

    private final CorsPolicy policy = new CorsPolicy(new CorsConfig(
            List.of(APP),
            List.of("GET", "POST", "PUT"),
            List.of("authorization", "content-type"),
            List.of("RateLimit", "WWW-Authenticate"),
            true,
            Duration.ofMinutes(10)));
    private final CorsHandler cors =
            new CorsHandler(Map.of("/cors", policy), Map.of("auth", policy), Optional.of("https://gateway.example"));
    private final RouteStage filter = new RouteStage(
            new RouteTable(
                    List.of(
                            Route.endpoint("auth", "/auth", (request, response) -> {}),
                            Route.endpoint("health", "/health", (request, response) -> {})),
                    List.of(route("/cors"), route("/plain"))),
            cors);
    private final FilterChain chain = mock(FilterChain.class);
    private final FakeResponse response = FakeResponse.create();

    private static FakeRequest preflight(String path, String origin, String method, String headers) {
        FakeRequest request = FakeRequest.of("OPTIONS", path)
                .header("Origin", origin)
                .header("Host", "gw.test")
                .header("Access-Control-Request-Method", method);
        return headers == null ? request : request.header("Access-Control-Request-Headers", headers);
    }

    @Test
    void doFilterWhenPreflightAllowedThen204WithAllowHeadersAndChainNotCalled() throws Exception {
        filter.handle(preflight("/cors/x", APP, "PUT", "Authorization, content-type"), response, chain);

        verifyNoInteractions(chain);
        assertEquals(204, response.getStatus());
        assertEquals(APP, response.getHeader("Access-Control-Allow-Origin"));
        assertEquals("GET, POST, PUT", response.getHeader("Access-Control-Allow-Methods"));
        assertEquals("authorization, content-type", response.getHeader("Access-Control-Allow-Headers"));
        assertEquals("true", response.getHeader("Access-Control-Allow-Credentials"));
        assertEquals("600", response.getHeader("Access-Control-Max-Age"));
        assertTrue(response.getHeader("Vary").startsWith("Origin"), response.getHeader("Vary"));
        assertEquals("", response.bodyText());
    }

    @Test
    void doFilterWhenPreflightFromOtherOriginThen403ProblemWithoutAllowHeaders() throws Exception {
        FakeRequest request = preflight("/cors/x", "https://evil.example", "GET", null);

        filter.handle(request, response, chain);

        verifyNoInteractions(chain);
        assertEquals(403, response.getStatus());
        assertEquals(ProblemWriter.MEDIA_TYPE, response.getContentType());
        assertTrue(response.bodyText().contains(ProblemType.CORS_REFUSED.uri()), response.bodyText());
        assertNull(response.getHeader("Access-Control-Allow-Origin"));
        assertNull(response.getHeader("Access-Control-Allow-Methods"));
        assertTrue(response.getHeader("Vary").startsWith("Origin"));
    }

    @Test
    void doFilterWhenPreflightAsksForMethodOrHeaderNotAllowedThen403() throws Exception {
        filter.handle(preflight("/cors/x", APP, "DELETE", null), response, chain);
        FakeResponse second = FakeResponse.create();
        filter.handle(preflight("/cors/x", APP, "GET", "authorization, x-admin"), second, chain);

        verifyNoInteractions(chain);
        assertEquals(403, response.getStatus());
        assertEquals(403, second.getStatus());
        assertNull(second.getHeader("Access-Control-Allow-Origin"));
    }

    @Test
    void doFilterWhenPreflightWithTwoOriginHeadersThen403() throws Exception {
        filter.handle(preflight("/cors/x", APP, "GET", null).header("Origin", "https://evil.example"), response, chain);

        verifyNoInteractions(chain);
        assertEquals(403, response.getStatus());
    }

    @Test
    void doFilterWhenOptionsOnRouteWithoutPolicyThenPassedOnUntouched() throws Exception {
        FakeRequest request = preflight("/plain/x", APP, "GET", null);

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        assertFalse(response.containsHeader("Vary"));
        assertFalse(response.containsHeader("Access-Control-Allow-Origin"));
    }

    @Test
    void doFilterWhenActualRequestFromAllowedOriginThenAllowHeadersBeforeLaterStagesAnswer() throws Exception {
        FakeRequest request =
                FakeRequest.of("GET", "/cors/x").header("Origin", APP).header("Host", "gw.test");
        // A later stage refuses the token: its 401 must still be readable by the page.
        doAnswer(call -> {
                    ProblemWriter.write(
                            request, (HttpServletResponse) call.getArgument(1), ProblemType.INVALID_TOKEN, "no");
                    return null;
                })
                .when(chain)
                .doFilter(eq(request), any());

        filter.handle(request, response, chain);

        assertEquals(401, response.getStatus());
        assertEquals(APP, response.getHeader("Access-Control-Allow-Origin"));
        assertEquals("true", response.getHeader("Access-Control-Allow-Credentials"));
        assertEquals("RateLimit, WWW-Authenticate", response.getHeader("Access-Control-Expose-Headers"));
        assertEquals(List.of("Origin"), List.copyOf(response.getHeaders("Vary")));
    }

    @Test
    void doFilterWhenUpstreamSetsAccessControlHeadersThenDroppedAndVaryKept() throws Exception {
        FakeRequest request =
                FakeRequest.of("GET", "/cors/x").header("Origin", APP).header("Host", "gw.test");
        doAnswer(call -> {
                    HttpServletResponse upstream = call.getArgument(1);
                    upstream.addHeader("Access-Control-Allow-Origin", "*");
                    upstream.setHeader("access-control-allow-credentials", "true");
                    upstream.addHeader("ACCESS-CONTROL-ALLOW-METHODS", "DELETE");
                    upstream.setIntHeader("Access-Control-Max-Age", 999999);
                    upstream.setHeader("Vary", "Accept-Encoding");
                    upstream.addHeader("X-Upstream", "kept");
                    return null;
                })
                .when(chain)
                .doFilter(eq(request), any());

        filter.handle(request, response, chain);

        assertEquals(List.of(APP), List.copyOf(response.getHeaders("Access-Control-Allow-Origin")));
        assertEquals(List.of("true"), List.copyOf(response.getHeaders("Access-Control-Allow-Credentials")));
        assertFalse(response.containsHeader("Access-Control-Allow-Methods"));
        assertFalse(response.containsHeader("Access-Control-Max-Age"));
        assertEquals(List.of("Origin", "Accept-Encoding"), List.copyOf(response.getHeaders("Vary")));
        assertEquals("kept", response.getHeader("X-Upstream"));
    }

    @Test
    void doFilterWhenUpstreamOnRouteWithoutOriginThenStillCannotAddAccessControlHeaders() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/cors/x");
        doAnswer(call -> {
                    ((HttpServletResponse) call.getArgument(1)).addHeader("Access-Control-Allow-Origin", "*");
                    return null;
                })
                .when(chain)
                .doFilter(eq(request), any());

        filter.handle(request, response, chain);

        assertFalse(response.containsHeader("Access-Control-Allow-Origin"));
        assertEquals("Origin", response.getHeader("Vary"));
    }

    @Test
    void doFilterWhenActualRequestFromOtherOriginThen403AndChainNotCalled() throws Exception {
        FakeRequest request = FakeRequest.of("POST", "/cors/x")
                .header("Origin", "https://app.example.com.evil.net")
                .header("Host", "gw.test");

        filter.handle(request, response, chain);

        verifyNoInteractions(chain);
        assertEquals(403, response.getStatus());
        assertNull(response.getHeader("Access-Control-Allow-Origin"));
        assertEquals("Origin", response.getHeader("Vary"));
    }

    @Test
    void doFilterWhenActualRequestWithMethodNotAllowedThen403() throws Exception {
        filter.handle(FakeRequest.of("DELETE", "/cors/x").header("Origin", APP), response, chain);

        verifyNoInteractions(chain);
        assertEquals(403, response.getStatus());
    }

    @Test
    void doFilterWhenSameOriginByHostOrPublicUrlThenPassedOnWithoutAllowHeaders() throws Exception {
        FakeRequest byHost = FakeRequest.of("DELETE", "/cors/x")
                .header("Origin", "http://gw.test")
                .header("Host", "GW.test:80");
        FakeRequest byPublicUrl = FakeRequest.of("DELETE", "/cors/x").header("Origin", "https://gateway.example");

        filter.handle(byHost, response, chain);
        filter.handle(byPublicUrl, FakeResponse.create(), chain);

        verify(chain).doFilter(eq(byHost), any());
        verify(chain).doFilter(eq(byPublicUrl), any());
        assertEquals(200, response.getStatus());
        assertFalse(response.containsHeader("Access-Control-Allow-Origin"));
        assertEquals("Origin", response.getHeader("Vary"));
    }

    @Test
    void doFilterWhenNoOriginThenPassedOnWithVaryOnly() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/cors/x");

        filter.handle(request, response, chain);

        verify(chain).doFilter(eq(request), any(CorsResponse.class));
        assertEquals("Origin", response.getHeader("Vary"));
        assertFalse(response.containsHeader("Access-Control-Allow-Origin"));
    }

    @Test
    void doFilterWhenAuthEndpointThenDefaultPolicyAppliesButNotToOtherEndpoints() throws Exception {
        filter.handle(preflight("/auth/login", APP, "POST", "content-type"), response, chain);
        FakeRequest health = preflight("/health", APP, "GET", null);
        FakeResponse healthResponse = FakeResponse.create();
        filter.handle(health, healthResponse, chain);

        assertEquals(204, response.getStatus());
        verify(chain).doFilter(health, healthResponse);
        assertFalse(healthResponse.containsHeader("Access-Control-Allow-Origin"));
    }

    @Test
    void doFilterWhenResponseResetDownstreamThenCorsHeadersWrittenAgain() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/cors/x").header("Origin", APP);
        AtomicReference<HttpServletResponse> wrapped = new AtomicReference<>();
        doAnswer(call -> {
                    wrapped.set(call.getArgument(1));
                    return null;
                })
                .when(chain)
                .doFilter(eq(request), any());
        filter.handle(request, response, chain);

        response.setHeader("Access-Control-Allow-Origin", "gone");
        wrapped.get().reset();

        assertSame(response, ((CorsResponse) wrapped.get()).getResponse());
        assertEquals(APP, response.getHeader("Access-Control-Allow-Origin"));
    }
}
