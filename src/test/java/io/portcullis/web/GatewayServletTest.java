package io.portcullis.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.chain.RouteHandler;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import org.junit.jupiter.api.Test;

class GatewayServletTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final GatewayServlet servlet = new GatewayServlet();
    private final FakeResponse response = FakeResponse.create();

    private static FakeRequest errorDispatch(int status) {
        FakeRequest request = FakeRequest.of("GET", "/_portcullis/error").dispatcherType(DispatcherType.ERROR);
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, status);
        return request;
    }

    private JsonNode problem() throws Exception {
        assertEquals("application/problem+json", response.getContentType());
        return JSON.readTree(response.bodyText());
    }

    @Test
    void serviceWhenRouteResolvedThenItsHandlerAnswers() throws Exception {
        RouteHandler handler = mock(RouteHandler.class);
        FakeRequest request = FakeRequest.of("GET", "/health");
        RequestAttributes.ROUTE.set(request, Route.endpoint("health", "/health", handler));

        servlet.service(request, response);

        verify(handler).handle(request, response);
    }

    @Test
    void serviceWhenNoRouteResolvedThen404Problem() throws Exception {
        servlet.service(FakeRequest.of("GET", "/x"), response);

        assertEquals(404, response.getStatus());
        assertEquals("No route", problem().path("title").asText());
    }

    @Test
    void serviceWhenContainerErrorDispatchThenProblemForThatStatusWithTheRequestsId() throws Exception {
        RouteHandler handler = mock(RouteHandler.class);
        FakeRequest request = errorDispatch(405);
        RequestAttributes.REQUEST_ID.set(request, "rid-7");
        RequestAttributes.ROUTE.set(request, Route.endpoint("health", "/health", handler));

        servlet.service(request, response);

        verifyNoInteractions(handler);
        assertEquals(405, response.getStatus());
        JsonNode problem = problem();
        assertEquals("Method Not Allowed", problem.path("title").asText());
        assertEquals("rid-7", problem.path("request_id").asText());
        assertEquals("rid-7", response.getHeader("X-Request-Id"));
    }

    @Test
    void serviceWhenErrorDispatchBeforeAnyStageThenRequestIdGenerated() throws Exception {
        servlet.service(errorDispatch(400), response);

        assertEquals(400, response.getStatus());
        String id = response.getHeader("X-Request-Id");
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertEquals(id, problem().path("request_id").asText());
    }

    @Test
    void serviceWhenErrorDispatchForAnExceptionThen500WithoutStackTrace() throws Exception {
        FakeRequest request = errorDispatch(500);
        request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, new IllegalStateException("secret internals"));

        servlet.service(request, response);

        assertEquals(500, response.getStatus());
        JsonNode problem = problem();
        assertEquals("Internal Server Error", problem.path("title").asText());
        assertFalse(response.bodyText().contains("secret internals"), response.bodyText());
        assertFalse(response.bodyText().contains("IllegalStateException"), response.bodyText());
    }

    /**
     * Jetty refuses an ambiguous path (%2F, %2e%2e) by throwing its HttpException (400) from getServletPath
     * in the first stage that asks; the container's 400 is the client's fault, not the gateway's 500.
     */
    @Test
    void serviceWhenErrorDispatchForAContainersClientErrorExceptionThenThatStatusWithoutItsMessage() throws Exception {
        FakeRequest request = errorDispatch(400);
        request.setAttribute(
                RequestDispatcher.ERROR_EXCEPTION,
                new IllegalArgumentException("400: Ambiguous URI encoding: AMBIGUOUS_PATH_SEPARATOR"));

        servlet.service(request, response);

        assertEquals(400, response.getStatus());
        assertEquals("Bad Request", problem().path("title").asText());
        assertFalse(response.bodyText().contains("Ambiguous"), response.bodyText());
    }

    @Test
    void serviceWhenErrorDispatchWithoutStatusThen500() throws Exception {
        servlet.service(FakeRequest.of("GET", "/_portcullis/error").dispatcherType(DispatcherType.ERROR), response);

        assertEquals(500, response.getStatus());
    }

    @Test
    void serviceWhenErrorPageIncludedIntoCommittedResponseThenRouteNotRunAgainAndNothingAdded() throws Exception {
        // Tomcat includes the error page when a request fails after its response started (a cut-short proxy).
        RouteHandler handler = mock(RouteHandler.class);
        FakeRequest request = FakeRequest.of("GET", "/api/x").dispatcherType(DispatcherType.INCLUDE);
        RequestAttributes.ROUTE.set(request, Route.endpoint("a", "/api", handler));
        request.setAttribute(RequestDispatcher.ERROR_STATUS_CODE, 500);
        request.setAttribute(RequestDispatcher.ERROR_EXCEPTION, new java.io.IOException("cut"));
        response.commit();

        servlet.service(request, response);

        verifyNoInteractions(handler);
        assertEquals("", response.bodyText());
    }

    @Test
    void serviceWhenPlainIncludeThenRouteHandlerAnswers() throws Exception {
        RouteHandler handler = mock(RouteHandler.class);
        FakeRequest request = FakeRequest.of("GET", "/api/x").dispatcherType(DispatcherType.INCLUDE);
        RequestAttributes.ROUTE.set(request, Route.endpoint("a", "/api", handler));

        servlet.service(request, response);

        verify(handler).handle(request, response);
    }
}
