package io.portcullis.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.portcullis.chain.ClientAddress;
import io.portcullis.chain.Identity;
import io.portcullis.chain.MissingAttributeException;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.chain.RouteHandler;
import io.portcullis.chain.StoreWait;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Counted;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.store.InMemoryRateLimiter;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import io.portcullis.testsupport.MutableClock;
import jakarta.servlet.FilterChain;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class RateLimitStageTest {
    private static final RateLimitsConfig CONFIG = new RateLimitsConfig(
            true,
            RateLimitsConfig.Algorithm.FIXED_WINDOW,
            new RateLimitsConfig.Limit(100, Duration.ofMinutes(1)),
            new RateLimitsConfig.Limit(20, Duration.ofMinutes(1)));
    private static final Quota DEFAULT = new Quota(100, Duration.ofMinutes(1));
    private static final Quota ANONYMOUS = new Quota(20, Duration.ofMinutes(1));
    private static final Identity KEY =
            new Identity(Identity.AuthMethod.API_KEY, Optional.empty(), List.of(), Optional.of("partner-a"), List.of());
    private static final Identity USER =
            new Identity(Identity.AuthMethod.JWT, Optional.of("alice"), List.of(), Optional.empty(), List.of());

    private final RateLimiter limiter = mock(RateLimiter.class);
    private final RateLimitStage filter = new RateLimitStage(CONFIG, limiter);
    private final FilterChain chain = mock(FilterChain.class);
    private final FakeResponse response = FakeResponse.create();

    static Route route(String id, Optional<RateLimitsConfig.Limit> limit, boolean rateLimited) {
        return Route.configured(
                new RouteConfig(
                        id,
                        "/" + id,
                        List.of(URI.create("http://127.0.0.1:1")),
                        RouteConfig.AuthMode.NONE,
                        List.of(),
                        limit,
                        rateLimited,
                        false,
                        RouteConfig.DEFAULT_TIMEOUT,
                        false,
                        Optional.empty()),
                mock(RouteHandler.class));
    }

    private static FakeRequest request(Route route, Identity identity) {
        FakeRequest request = FakeRequest.of("GET", route.prefix() + "/x").remoteAddr("127.0.0.1");
        RequestAttributes.ROUTE.set(request, route);
        RequestAttributes.REQUEST_ID.set(request, "rid");
        RequestAttributes.CLIENT.set(request, new ClientAddress("203.0.113.7", "203.0.113.7", "http", "gw"));
        if (identity != null) {
            RequestAttributes.IDENTITY.set(request, identity);
        }
        return request;
    }

    private void answer(Decision decision) {
        when(limiter.acquire(anyString(), anyString(), any())).thenReturn(CompletableFuture.completedFuture(decision));
    }

    @Test
    void doFilterWhenAllowedThenContinuesWithRateLimitFields() throws Exception {
        answer(new Decision(Decision.Outcome.ALLOWED, 100, 42, 17));
        FakeRequest request = request(route("orders", Optional.empty(), true), KEY);

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        verify(limiter).acquire("k:partner-a", "default", DEFAULT);
        assertEquals("\"default\";q=100;w=60", response.getHeader("RateLimit-Policy"));
        assertEquals("\"default\";r=42;t=17", response.getHeader("RateLimit"));
    }

    @Test
    void doFilterWhenJwtUserThenUserBucketUnderDefault() throws Exception {
        answer(new Decision(Decision.Outcome.ALLOWED, 100, 99, 60));

        filter.handle(request(route("orders", Optional.empty(), true), USER), response, chain);

        verify(limiter).acquire("u:alice", "default", DEFAULT);
    }

    @Test
    void doFilterWhenAnonymousThenClientAddressBucketUnderAnonymous() throws Exception {
        answer(new Decision(Decision.Outcome.ALLOWED, 20, 19, 60));

        filter.handle(request(route("orders", Optional.empty(), true), null), response, chain);

        verify(limiter).acquire("a:203.0.113.7", "anonymous", ANONYMOUS);
        assertEquals("\"anonymous\";q=20;w=60", response.getHeader("RateLimit-Policy"));
    }

    @Test
    void doFilterWhenRouteHasOwnLimitThenCountedUnderTheRouteIdForAnonymousToo() throws Exception {
        answer(new Decision(Decision.Outcome.ALLOWED, 5, 4, 10));
        Route own = route("search", Optional.of(new RateLimitsConfig.Limit(5, Duration.ofSeconds(10))), true);

        filter.handle(request(own, null), response, chain);
        filter.handle(request(own, KEY), FakeResponse.create(), chain);

        verify(limiter).acquire("a:203.0.113.7", "search", new Quota(5, Duration.ofSeconds(10)));
        verify(limiter).acquire("k:partner-a", "search", new Quota(5, Duration.ofSeconds(10)));
        assertEquals("\"search\";q=5;w=10", response.getHeader("RateLimit-Policy"));
    }

    @Test
    void doFilterWhenLimitedThen429WithRetryAfterAndFieldsAndChainNotCalled() throws Exception {
        answer(new Decision(Decision.Outcome.LIMITED, 100, 0, 17));
        FakeRequest request = request(route("orders", Optional.empty(), true), KEY);

        filter.handle(request, response, chain);

        verifyNoInteractions(chain);
        assertEquals(429, response.getStatus());
        assertEquals("application/problem+json", response.getContentType());
        assertTrue(response.bodyText().contains("\"title\":\"Too Many Requests\""), response.bodyText());
        assertEquals("rate-limited", RequestAttributes.PROBLEM.get(request).orElseThrow());
        assertEquals("17", response.getHeader("Retry-After"));
        assertEquals("\"default\";r=0;t=17", response.getHeader("RateLimit"));
        assertEquals("\"default\";q=100;w=60", response.getHeader("RateLimit-Policy"));
    }

    @Test
    void doFilterWhenStoreUnavailableUnderDenyThen503WithRetryAfter() throws Exception {
        answer(Decision.unavailable(DEFAULT, 2));
        FakeRequest request = request(route("orders", Optional.empty(), true), KEY);

        filter.handle(request, response, chain);

        verifyNoInteractions(chain);
        assertEquals(503, response.getStatus());
        assertEquals("2", response.getHeader("Retry-After"));
        assertNull(response.getHeader("RateLimit"));
    }

    @Test
    void doFilterWhenLimiterNeverAnswersThen503WithRetryAfterOneWithinTheStoreWait() throws Exception {
        when(limiter.acquire(anyString(), anyString(), any())).thenReturn(new CompletableFuture<>());
        RateLimitStage bounded = new RateLimitStage(new Charges(CONFIG), limiter, new StoreWait(Duration.ofMillis(50)));
        FakeRequest request = request(route("orders", Optional.empty(), true), KEY);

        bounded.handle(request, response, chain);

        verifyNoInteractions(chain);
        assertEquals(503, response.getStatus());
        assertEquals("1", response.getHeader("Retry-After"));
    }

    @Test
    void doFilterWhenRealLimiterThenRemainingCountsDownAndResetIsHonest() throws Exception {
        MutableClock clock = MutableClock.atSystemTime();
        RateLimitStage real = new RateLimitStage(CONFIG, InMemoryRateLimiter.fixedWindow(clock, 100));
        Route own = route("tiny", Optional.of(new RateLimitsConfig.Limit(2, Duration.ofSeconds(10))), true);
        FakeResponse first = FakeResponse.create();
        FakeResponse second = FakeResponse.create();
        FakeResponse third = FakeResponse.create();

        real.handle(request(own, null), first, chain);
        clock.advance(Duration.ofSeconds(4));
        real.handle(request(own, null), second, chain);
        real.handle(request(own, null), third, chain);

        assertEquals("\"tiny\";r=1;t=10", first.getHeader("RateLimit"));
        assertEquals("\"tiny\";r=0;t=6", second.getHeader("RateLimit"));
        assertEquals(429, third.getStatus());
        assertEquals("6", third.getHeader("Retry-After"));
    }

    @Test
    void doFilterWhenRouteOptsOutOrLimitsDisabledOrEndpointThenPassesUncounted() throws Exception {
        filter.handle(request(route("free", Optional.empty(), false), null), response, chain);
        new RateLimitStage(
                        new RateLimitsConfig(false, CONFIG.algorithm(), CONFIG.defaultLimit(), CONFIG.anonymous()),
                        limiter)
                .handle(request(route("orders", Optional.empty(), true), null), response, chain);
        FakeRequest health = FakeRequest.of("GET", "/health");
        RequestAttributes.ROUTE.set(health, Route.endpoint("health", "/health", mock(RouteHandler.class)));
        filter.handle(health, response, chain);

        verifyNoInteractions(limiter);
        verify(chain).doFilter(health, response);
        assertNull(response.getHeader("RateLimit-Policy"));
    }

    @Test
    void doFilterWhenAnEarlierStageCountedTheSameChargeThenItsDecisionAnswersWithoutCountingAgain() throws Exception {
        FakeRequest allowed = request(route("orders", Optional.empty(), true), USER);
        RequestAttributes.COUNTED.set(
                allowed,
                new Counted(
                        new Charge("u:alice", "default", DEFAULT), new Decision(Decision.Outcome.ALLOWED, 100, 7, 30)));
        FakeRequest limited = request(route("orders", Optional.empty(), true), USER);
        RequestAttributes.COUNTED.set(
                limited,
                new Counted(
                        new Charge("u:alice", "default", DEFAULT), new Decision(Decision.Outcome.LIMITED, 100, 0, 12)));
        FakeResponse refused = FakeResponse.create();

        filter.handle(allowed, response, chain);
        filter.handle(limited, refused, chain);

        verifyNoInteractions(limiter);
        verify(chain).doFilter(allowed, response);
        assertEquals("\"default\";r=7;t=30", response.getHeader("RateLimit"));
        assertEquals("\"default\";q=100;w=60", response.getHeader("RateLimit-Policy"));
        assertEquals(429, refused.getStatus());
        assertEquals("12", refused.getHeader("Retry-After"));
        assertEquals("\"default\";r=0;t=12", refused.getHeader("RateLimit"));
    }

    @Test
    void doFilterWhenTheEarlierCountWasForAnotherChargeThenCountsItself() throws Exception {
        answer(new Decision(Decision.Outcome.ALLOWED, 100, 41, 60));
        FakeRequest request = request(route("orders", Optional.empty(), true), KEY);
        RequestAttributes.COUNTED.set(
                request,
                new Counted(
                        new Charge("u:alice", "default", DEFAULT), new Decision(Decision.Outcome.LIMITED, 100, 0, 12)));

        filter.handle(request, response, chain);

        verify(limiter).acquire("k:partner-a", "default", DEFAULT);
        verify(chain).doFilter(request, response);
        assertEquals("\"default\";r=41;t=60", response.getHeader("RateLimit"));
    }

    @Test
    void bucketWhenNoClientAttributeThenMissingAttributeNotThePeerAddress() {
        FakeRequest request = FakeRequest.of("GET", "/x").remoteAddr("198.51.100.1");

        // Without the access-log stage the peer may be a proxy: counting it would lump every client together.
        assertThrows(MissingAttributeException.class, () -> Charges.bucket(Identity.ANONYMOUS, request));
        assertEquals(
                "k:partner-a",
                Charges.bucket(
                        new Identity(
                                Identity.AuthMethod.JWT,
                                Optional.of("alice"),
                                List.of(),
                                Optional.of("partner-a"),
                                List.of()),
                        request));
    }

    @Test
    void bucketWhenMintedKeysOfOneOwnerThenTheOwnersBucketWithOrWithoutTheirJwt() {
        FakeRequest request = FakeRequest.of("GET", "/x");
        Identity first = new Identity(
                Identity.AuthMethod.API_KEY,
                Optional.empty(),
                List.of(),
                Optional.of("key-1"),
                List.of(),
                Optional.of("alice"));
        Identity second = new Identity(
                Identity.AuthMethod.API_KEY,
                Optional.empty(),
                List.of(),
                Optional.of("key-2"),
                List.of(),
                Optional.of("alice"));
        Identity withJwt = new Identity(
                Identity.AuthMethod.JWT,
                Optional.of("alice"),
                List.of(),
                Optional.of("key-2"),
                List.of(),
                Optional.of("alice"));
        Identity jwtOnly =
                new Identity(Identity.AuthMethod.JWT, Optional.of("alice"), List.of(), Optional.empty(), List.of());

        assertEquals("u:alice", Charges.bucket(first, request));
        assertEquals("u:alice", Charges.bucket(second, request));
        assertEquals("u:alice", Charges.bucket(withJwt, request));
        assertEquals(Charges.bucket(jwtOnly, request), Charges.bucket(withJwt, request));
    }
}
