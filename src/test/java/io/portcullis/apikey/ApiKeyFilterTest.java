package io.portcullis.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.portcullis.chain.Identity;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.config.ApiKeysConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.route.Route;
import io.portcullis.route.RouteHandler;
import io.portcullis.store.StoreUnavailableException;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiKeyFilterTest {
    private static final String KEY = "partner-secret";

    private final ApiKeyStore store = mock(ApiKeyStore.class);
    private final ApiKeyFilter filter = new ApiKeyFilter("x-api-key", new ApiKeyVerifier(List.of(
            new ApiKeysConfig.StaticKey("partner-a", ApiKeyVerifier.sha256Hex(KEY), List.of("inventory", "orders"))),
            store));
    private final FilterChain chain = mock(FilterChain.class);
    private final FakeResponse response = FakeResponse.create();

    @BeforeEach
    void unknownKeysAreUnknown() {
        when(store.findByHash(anyString())).thenReturn(CompletableFuture.completedFuture(Optional.empty()));
    }

    static Route route(RouteConfig.AuthMode auth, List<String> scopes) {
        return Route.configured(new RouteConfig("r", "/api", List.of(URI.create("http://127.0.0.1:1")), auth, scopes,
                Optional.empty(), true, false, RouteConfig.DEFAULT_TIMEOUT, false, Optional.empty()),
                mock(RouteHandler.class));
    }

    private static FakeRequest request(Route route) {
        FakeRequest request = FakeRequest.of("GET", "/api/x");
        RequestAttributes.ROUTE.set(request, route);
        RequestAttributes.REQUEST_ID.set(request, "rid");
        return request;
    }

    private void assertProblem(FakeRequest request, int status, String slug, String title) throws Exception {
        verifyNoInteractions(chain);
        assertEquals(status, response.getStatus());
        assertEquals("application/problem+json", response.getContentType());
        assertTrue(response.bodyText().contains("\"title\":\"" + title + "\""), response.bodyText());
        assertEquals(slug, RequestAttributes.PROBLEM.get(request).orElseThrow());
        assertTrue(RequestAttributes.IDENTITY.get(request).isEmpty());
    }

    @Test
    void doFilterWhenNoKeyOnPublicRouteThenAnonymousAndContinues() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.NONE, List.of()));

        filter.doFilter(request, response, chain);

        verify(chain).doFilter(request, response);
        assertEquals(Identity.ANONYMOUS, RequestAttributes.identity(request));
        verifyNoInteractions(store);
    }

    @Test
    void doFilterWhenKnownKeyThenIdentifiedAndContinues() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.NONE, List.of())).header("X-API-Key", KEY);

        filter.doFilter(request, response, chain);

        verify(chain).doFilter(request, response);
        Identity identity = RequestAttributes.IDENTITY.get(request).orElseThrow();
        assertEquals(Identity.AuthMethod.API_KEY, identity.method());
        assertEquals(Optional.of("partner-a"), identity.clientId());
    }

    @Test
    void doFilterWhenUnknownKeyOnPublicRouteThen401InvalidApiKey() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.NONE, List.of())).header("x-api-key", "wrong");

        filter.doFilter(request, response, chain);

        assertProblem(request, 401, "invalid-api-key", "Invalid API key");
    }

    @Test
    void doFilterWhenTwoKeyHeadersThen401InvalidApiKey() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.NONE, List.of()))
                .header("x-api-key", KEY).header("x-api-key", "other");

        filter.doFilter(request, response, chain);

        assertProblem(request, 401, "invalid-api-key", "Invalid API key");
    }

    @Test
    void doFilterWhenNoKeyOnApiKeyRouteThen401ApiKeyRequired() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.API_KEY, List.of()));

        filter.doFilter(request, response, chain);

        assertProblem(request, 401, "api-key-required", "API key required");
    }

    @Test
    void doFilterWhenUnknownKeyOnApiKeyRouteThen401InvalidApiKey() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.API_KEY, List.of())).header("x-api-key", "wrong");

        filter.doFilter(request, response, chain);

        assertProblem(request, 401, "invalid-api-key", "Invalid API key");
    }

    @Test
    void doFilterWhenKeyHasEveryRouteScopeThenContinues() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.API_KEY, List.of("orders", "inventory")))
                .header("x-api-key", KEY);

        filter.doFilter(request, response, chain);

        verify(chain).doFilter(request, response);
    }

    @Test
    void doFilterWhenKeyLacksOneRouteScopeThen403() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.API_KEY, List.of("orders", "admin")))
                .header("x-api-key", KEY);

        filter.doFilter(request, response, chain);

        assertProblem(request, 403, "insufficient-scope", "Insufficient scope");
    }

    @Test
    void doFilterWhenStoreUnavailableThen503WithRetryAfter() throws Exception {
        when(store.findByHash(anyString())).thenReturn(CompletableFuture.failedFuture(new StoreUnavailableException("down")));
        FakeRequest request = request(route(RouteConfig.AuthMode.NONE, List.of())).header("x-api-key", "issued");

        filter.doFilter(request, response, chain);

        assertProblem(request, 503, "service-unavailable", "Service Unavailable");
        assertEquals("1", response.getHeader("Retry-After"));
    }

    @Test
    void doFilterWhenGatewayEndpointThenKeyNotChecked() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/health").header("x-api-key", "wrong");
        RequestAttributes.ROUTE.set(request, Route.endpoint("health", "/health", mock(RouteHandler.class)));

        filter.doFilter(request, response, chain);

        verify(chain).doFilter(request, response);
        verifyNoInteractions(store);
        assertEquals(200, response.getStatus());
    }

    @Test
    void doFilterWhenErrorDispatchThenPassesThroughUntouched() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.API_KEY, List.of())).dispatcherType(DispatcherType.ERROR);

        filter.doFilter(request, response, chain);

        verify(chain).doFilter(request, response);
    }
}
