package io.portcullis.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.portcullis.chain.Identity;
import io.portcullis.chain.MissingAttributeException;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.chain.RouteHandler;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.config.ApiKeysConfig;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Counted;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.ratelimit.Charges;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.FilterChain;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ApiKeyStageTest {
    private static final String KEY = "partner-secret";

    private final ApiKeyStore store = mock(ApiKeyStore.class);
    private final ApiKeyStage filter = new ApiKeyStage(
            "x-api-key",
            new ApiKeyVerifier(
                    List.of(new ApiKeysConfig.StaticKey(
                            "partner-a", ApiKeyVerifier.sha256Hex(KEY), List.of("inventory", "orders"))),
                    store));
    private final FilterChain chain = mock(FilterChain.class);
    private final FakeResponse response = FakeResponse.create();

    @BeforeEach
    void unknownKeysAreUnknown() {
        when(store.findByHash(anyString())).thenReturn(CompletableFuture.completedFuture(Optional.empty()));
    }

    static Route route(RouteConfig.AuthMode auth, List<String> scopes) {
        return Route.configured(
                new RouteConfig(
                        "r",
                        "/api",
                        List.of(URI.create("http://127.0.0.1:1")),
                        auth,
                        scopes,
                        Optional.empty(),
                        true,
                        false,
                        RouteConfig.DEFAULT_TIMEOUT,
                        false,
                        Optional.empty()),
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
    void doFilterWhenNoRouteWasResolvedThenMissingAttributeAndChainNotCalled() {
        FakeRequest request = FakeRequest.of("GET", "/api/x").header("x-api-key", "whatever");
        FilterChain chain = mock(FilterChain.class);

        assertThrows(MissingAttributeException.class, () -> filter.handle(request, FakeResponse.create(), chain));

        verifyNoInteractions(chain);
    }

    @Test
    void doFilterWhenNoKeyOnPublicRouteThenAnonymousAndContinues() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.NONE, List.of()));

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        assertEquals(Identity.ANONYMOUS, RequestAttributes.identity(request));
        verifyNoInteractions(store);
    }

    @Test
    void doFilterWhenKnownKeyThenIdentifiedAndContinues() throws Exception {
        FakeRequest request =
                request(route(RouteConfig.AuthMode.NONE, List.of())).header("X-API-Key", KEY);

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        Identity identity = RequestAttributes.IDENTITY.get(request).orElseThrow();
        assertEquals(Identity.AuthMethod.API_KEY, identity.method());
        assertEquals(Optional.of("partner-a"), identity.clientId());
    }

    @Test
    void doFilterWhenUnknownKeyOnPublicRouteThen401InvalidApiKey() throws Exception {
        FakeRequest request =
                request(route(RouteConfig.AuthMode.NONE, List.of())).header("x-api-key", "wrong");

        filter.handle(request, response, chain);

        assertProblem(request, 401, "invalid-api-key", "Invalid API key");
    }

    @Test
    void doFilterWhenTwoKeyHeadersThen401InvalidApiKey() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.NONE, List.of()))
                .header("x-api-key", KEY)
                .header("x-api-key", "other");

        filter.handle(request, response, chain);

        assertProblem(request, 401, "invalid-api-key", "Invalid API key");
    }

    @Test
    void doFilterWhenNoKeyOnApiKeyRouteThen401ApiKeyRequired() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.API_KEY, List.of()));

        filter.handle(request, response, chain);

        assertProblem(request, 401, "api-key-required", "API key required");
    }

    @Test
    void doFilterWhenUnknownKeyOnApiKeyRouteThen401InvalidApiKey() throws Exception {
        FakeRequest request =
                request(route(RouteConfig.AuthMode.API_KEY, List.of())).header("x-api-key", "wrong");

        filter.handle(request, response, chain);

        assertProblem(request, 401, "invalid-api-key", "Invalid API key");
    }

    @Test
    void doFilterWhenKeyHasEveryRouteScopeThenContinues() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.API_KEY, List.of("orders", "inventory")))
                .header("x-api-key", KEY);

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
    }

    @Test
    void doFilterWhenKeyLacksOneRouteScopeThen403() throws Exception {
        FakeRequest request = request(route(RouteConfig.AuthMode.API_KEY, List.of("orders", "admin")))
                .header("x-api-key", KEY);

        filter.handle(request, response, chain);

        assertProblem(request, 403, "insufficient-scope", "Insufficient scope");
    }

    @Test
    void doFilterWhenStoreUnavailableThen503WithRetryAfter() throws Exception {
        when(store.findByHash(anyString()))
                .thenReturn(CompletableFuture.failedFuture(new StoreUnavailableException("down")));
        FakeRequest request =
                request(route(RouteConfig.AuthMode.NONE, List.of())).header("x-api-key", "issued");

        filter.handle(request, response, chain);

        assertProblem(request, 503, "service-unavailable", "Service Unavailable");
        assertEquals("1", response.getHeader("Retry-After"));
    }

    @Test
    void doFilterWhenGatewayEndpointThenKeyNotChecked() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/health").header("x-api-key", "wrong");
        RequestAttributes.ROUTE.set(request, Route.endpoint("health", "/health", mock(RouteHandler.class)));

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        verifyNoInteractions(store);
        assertEquals(200, response.getStatus());
    }

    private static final String ISSUED = "pk_issued-secret";
    private static final ApiKey ISSUED_KEY = new ApiKey(
            "issued-1",
            "owner",
            "ci",
            ApiKeyVerifier.sha256Hex(ISSUED),
            List.of("inventory"),
            Instant.parse("2026-11-23T10:00:00Z"));
    private static final RateLimitsConfig LIMITS = new RateLimitsConfig(
            true,
            RateLimitsConfig.Algorithm.FIXED_WINDOW,
            new RateLimitsConfig.Limit(100, Duration.ofMinutes(1)),
            new RateLimitsConfig.Limit(20, Duration.ofMinutes(1)));
    private static final Decision DECISION = new Decision(Decision.Outcome.ALLOWED, 100, 99, 60);

    /** A filter whose issued-key lookups may count; the store counts whatever charge the filter asks for. */
    private ApiKeyStage counting() {
        when(store.findByHash(anyString(), any())).thenAnswer(call -> {
            if (!call.getArgument(0).equals(ISSUED_KEY.sha256())) {
                return CompletableFuture.completedFuture(Checked.notCounted(Optional.empty()));
            }
            Function<ApiKey, Optional<Charge>> chargeFor = call.getArgument(1);
            return CompletableFuture.completedFuture(new Checked<>(
                    Optional.of(ISSUED_KEY), chargeFor.apply(ISSUED_KEY).map(charge -> DECISION)));
        });
        return new ApiKeyStage(
                "x-api-key",
                new ApiKeyVerifier(
                        List.of(new ApiKeysConfig.StaticKey(
                                "partner-a", ApiKeyVerifier.sha256Hex(KEY), List.of("inventory", "orders"))),
                        store),
                new Charges(LIMITS));
    }

    @Test
    void doFilterWhenIssuedKeyOnRateLimitedRouteThenTheLookupCountsTheRequestForStage6() throws Exception {
        ApiKeyStage filter = counting();
        FakeRequest request = request(route(RouteConfig.AuthMode.API_KEY, List.of("inventory")))
                .header("x-api-key", ISSUED);

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        // A minted key counts in its owner's bucket.
        assertEquals(
                new Counted(new Charge("u:owner", "default", new Quota(100, Duration.ofMinutes(1))), DECISION),
                RequestAttributes.COUNTED.get(request).orElseThrow());
        verify(store, never()).findByHash(anyString());
    }

    @Test
    void doFilterWhenIssuedKeyOnJwtRouteThenNothingCountedBeforeTheRevocationCheck() throws Exception {
        ApiKeyStage filter = counting();
        FakeRequest request =
                request(route(RouteConfig.AuthMode.JWT, List.of())).header("x-api-key", ISSUED);

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        assertEquals(
                Optional.of("issued-1"), RequestAttributes.identity(request).clientId());
        assertTrue(RequestAttributes.COUNTED.get(request).isEmpty());
    }

    @Test
    void doFilterWhenIssuedKeyLacksTheRouteScopeThen403AndNothingCounted() throws Exception {
        ApiKeyStage filter = counting();
        FakeRequest request =
                request(route(RouteConfig.AuthMode.API_KEY, List.of("admin"))).header("x-api-key", ISSUED);

        filter.handle(request, response, chain);

        assertProblem(request, 403, "insufficient-scope", "Insufficient scope");
        assertTrue(RequestAttributes.COUNTED.get(request).isEmpty());
    }

    @Test
    void doFilterWhenUnknownKeyOnRateLimitedRouteThen401AndNothingCounted() throws Exception {
        ApiKeyStage filter = counting();
        FakeRequest request =
                request(route(RouteConfig.AuthMode.NONE, List.of())).header("x-api-key", "wrong");

        filter.handle(request, response, chain);

        assertProblem(request, 401, "invalid-api-key", "Invalid API key");
        assertTrue(RequestAttributes.COUNTED.get(request).isEmpty());
    }

    @Test
    void doFilterWhenStaticKeyOnRateLimitedRouteThenNoStoreCallAndStage6Counts() throws Exception {
        ApiKeyStage filter = counting();
        FakeRequest request =
                request(route(RouteConfig.AuthMode.NONE, List.of())).header("x-api-key", KEY);

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        verify(store, never()).findByHash(anyString(), any());
        assertTrue(RequestAttributes.COUNTED.get(request).isEmpty());
    }
}
