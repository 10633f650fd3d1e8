package io.portcullis.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import com.auth0.jwt.JWT;
import io.portcullis.auth.TokenIssuer;
import io.portcullis.chain.Identity;
import io.portcullis.chain.MissingAttributeException;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.chain.RouteHandler;
import io.portcullis.config.AuthConfig;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.config.RedisConfig.FailurePolicy;
import io.portcullis.config.RouteConfig;
import io.portcullis.config.Secret;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Counted;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.ratelimit.Charges;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import io.portcullis.testsupport.MutableClock;
import jakarta.servlet.FilterChain;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class JwtStageTest {
    private static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
    private static final SigningKey KEY = SigningKeys.generate(AuthConfig.Algorithm.HS256, "k1");
    private static final String CONSUMER_SECRET = "consumer-secret-that-is-at-least-32-bytes!";
    private static final String MISSING_CHALLENGE = "Bearer realm=\"portcullis\"";

    private final MutableClock clock = new MutableClock(START);
    private final AuthConfig config = TokenVerifierTest.config(AuthConfig.Algorithm.HS256);
    private final SigningKeys keys = new SigningKeys(List.of(KEY));
    private final TokenIssuer issuer = new TokenIssuer(keys, config, clock);
    private final RevocationStore revocations = mock(RevocationStore.class);
    private final FilterChain chain = mock(FilterChain.class);
    private final FakeResponse response = FakeResponse.create();

    JwtStageTest() {
        active(RevocationStatus.ACTIVE);
    }

    private void active(RevocationStatus status) {
        when(revocations.check(any())).thenReturn(CompletableFuture.completedFuture(status));
    }

    private JwtStage filter(FailurePolicy policy) {
        TokenCache cache = new TokenCache(
                new TokenVerifier(config, keys, clock), Optional.empty(), 100, clock, TokenCache.tickerOf(clock));
        return new JwtStage(new JwtAuthenticator(cache, revocations, policy));
    }

    private final JwtStage filter = filter(FailurePolicy.DENY);

    static Route route(RouteConfig.AuthMode auth, List<String> scopes) {
        return Route.configured(
                new RouteConfig(
                        "orders",
                        "/api/orders",
                        List.of(URI.create("http://127.0.0.1:1")),
                        auth,
                        scopes,
                        Optional.empty(),
                        true,
                        false,
                        Duration.ofSeconds(30),
                        false,
                        Optional.empty()),
                mock(RouteHandler.class));
    }

    private FakeRequest request(Route route, String authorization) {
        FakeRequest request = FakeRequest.of("GET", "/api/orders/1");
        RequestAttributes.ROUTE.set(request, route);
        RequestAttributes.REQUEST_ID.set(request, "rid-1");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return request;
    }

    private FakeRequest request(String authorization) {
        return request(route(RouteConfig.AuthMode.JWT, List.of()), authorization);
    }

    private String token(List<String> roles, List<String> scopes) {
        return issuer.issue("user-1", "s1", roles, scopes).token();
    }

    private void assertRefused(FakeRequest request, int status, String slug, String challenge) throws Exception {
        filter.handle(request, response, chain);
        verifyNoInteractions(chain);
        assertEquals(status, response.getStatus(), response.bodyText());
        assertEquals("application/problem+json", response.getContentType());
        assertEquals(slug, RequestAttributes.PROBLEM.get(request).orElseThrow());
        assertTrue(response.bodyText().contains("\"request_id\":\"rid-1\""), response.bodyText());
        assertEquals(challenge, response.getHeader("WWW-Authenticate"));
        assertTrue(RequestAttributes.TOKEN_CLAIMS.get(request).isEmpty(), "no claims from a refused token");
    }

    private static String invalid(String description) {
        return "Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\"" + description + "\"";
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer ", "bearer ", "BEARER  "})
    void doFilterWhenValidTokenThenIdentitySetAndChainCalledOnce(String scheme) throws Exception {
        FakeRequest request = request(scheme + token(List.of("admin"), List.of("orders")));
        RequestAttributes.IDENTITY.set(
                request,
                new Identity(
                        Identity.AuthMethod.API_KEY,
                        Optional.empty(),
                        List.of(),
                        Optional.of("partner-a"),
                        List.of("partner_api")));

        filter.handle(request, response, chain);

        verify(chain, times(1)).doFilter(request, response);
        Identity identity = RequestAttributes.IDENTITY.get(request).orElseThrow();
        assertEquals(Identity.AuthMethod.JWT, identity.method());
        assertEquals(Optional.of("user-1"), identity.userId());
        assertEquals(List.of("admin"), identity.roles());
        assertEquals(List.of("orders"), identity.scopes());
        assertEquals(Optional.of("partner-a"), identity.clientId());
        assertEquals(
                Optional.of("user-1"),
                RequestAttributes.TOKEN_CLAIMS.get(request).orElseThrow().get("sub"));
        assertEquals(200, response.getStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "Basic dXNlcjpwYXNz", "Token abc"})
    void doFilterWhenNoBearerTokenThen401WithoutErrorAttribute(String authorization) throws Exception {
        assertRefused(request(authorization.isEmpty() ? null : authorization), 401, "token-missing", MISSING_CHALLENGE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer", "Bearer a.b.c d.e.f", "Bearer a\"b"})
    void doFilterWhenBearerCredentialMalformedThen401InvalidToken(String authorization) throws Exception {
        FakeRequest request = request(authorization);
        filter.handle(request, response, chain);
        verifyNoInteractions(chain);
        assertEquals(401, response.getStatus());
        assertTrue(response.getHeader("WWW-Authenticate")
                .startsWith("Bearer realm=\"portcullis\", error=\"invalid_token\", error_description=\""));
    }

    @Test
    void doFilterWhenTwoAuthorizationHeadersThen401InvalidToken() throws Exception {
        String token = token(List.of(), List.of());
        FakeRequest request = request("Bearer " + token).header("Authorization", "Bearer " + token);
        assertRefused(
                request, 401, "invalid-token", invalid("The request carries more than one Authorization header."));
    }

    @Test
    void doFilterWhenGarbageThen401Malformed() throws Exception {
        assertRefused(
                request("Bearer not-a-jwt"), 401, "invalid-token", invalid("The token is not a well-formed JWT."));
    }

    @Test
    void doFilterWhenExpiredThen401SayingExpired() throws Exception {
        String token = token(List.of(), List.of());
        clock.advance(config.accessTtl().plus(config.leeway()).plusSeconds(1));
        assertRefused(request("Bearer " + token), 401, "invalid-token", invalid("The token has expired."));
    }

    @Test
    void doFilterWhenBadSignatureThen401SayingInvalid() throws Exception {
        String token = token(List.of(), List.of());
        String tampered =
                token.substring(0, token.lastIndexOf('.') + 1) + "AAAA" + token.substring(token.lastIndexOf('.') + 5);
        assertRefused(
                request("Bearer " + tampered), 401, "invalid-token", invalid("The token's signature is invalid."));
    }

    @ParameterizedTest
    @EnumSource(
            value = RevocationStatus.class,
            names = {"REVOKED_TOKEN", "REVOKED_SESSION", "REVOKED_SUBJECT"})
    void doFilterWhenRevokedThen401SayingRevoked(RevocationStatus status) throws Exception {
        active(status);
        FakeRequest request = request("Bearer " + token(List.of(), List.of()));
        filter.handle(request, response, chain);
        verifyNoInteractions(chain);
        assertEquals(401, response.getStatus());
        assertTrue(
                response.getHeader("WWW-Authenticate").contains("error_description=\"The token has been revoked"),
                response.getHeader("WWW-Authenticate"));
    }

    @Test
    void doFilterWhenCachedTokenThenRevocationStillCheckedEveryTime() throws Exception {
        String token = token(List.of(), List.of());
        filter.handle(request("Bearer " + token), FakeResponse.create(), chain);
        active(RevocationStatus.REVOKED_TOKEN);
        FakeResponse second = FakeResponse.create();
        filter.handle(request("Bearer " + token), second, chain);

        verify(revocations, times(2)).check(any());
        verify(chain, times(1)).doFilter(any(), any());
        assertEquals(401, second.getStatus());
    }

    @Test
    void doFilterWhenRevocationUnavailableAndDenyThen503RetryAfter() throws Exception {
        active(RevocationStatus.UNAVAILABLE);
        FakeRequest request = request("Bearer " + token(List.of(), List.of()));
        assertRefused(request, 503, "service-unavailable", null);
        assertEquals("1", response.getHeader("Retry-After"));
    }

    @Test
    void doFilterWhenRevocationUnavailableAndAllowThenPasses() throws Exception {
        active(RevocationStatus.UNAVAILABLE);
        FakeRequest request = request("Bearer " + token(List.of(), List.of()));
        filter(FailurePolicy.ALLOW).handle(request, response, chain);
        verify(chain).doFilter(request, response);
    }

    @Test
    void doFilterWhenRevocationStoreNeverAnswersThen503() throws Exception {
        when(revocations.check(any())).thenReturn(CompletableFuture.failedFuture(new IllegalStateException("boom")));
        assertRefused(request("Bearer " + token(List.of(), List.of())), 503, "service-unavailable", null);
    }

    @Test
    void doFilterWhenAllRequiredScopesGrantedByScopeOrRolesThenPasses() throws Exception {
        FakeRequest request = request(
                route(RouteConfig.AuthMode.JWT, List.of("orders", "admin")),
                "Bearer " + token(List.of("admin"), List.of("orders", "cart")));
        filter.handle(request, response, chain);
        verify(chain).doFilter(request, response);
    }

    @Test
    void doFilterWhenAScopeMissingThen403InsufficientScope() throws Exception {
        FakeRequest request = request(
                route(RouteConfig.AuthMode.JWT, List.of("orders", "admin")),
                "Bearer " + token(List.of(), List.of("orders")));
        assertRefused(
                request,
                403,
                "insufficient-scope",
                "Bearer realm=\"portcullis\", error=\"insufficient_scope\", "
                        + "error_description=\"The token lacks a scope this route requires: orders admin\", scope=\"orders admin\"");
    }

    @Test
    void doFilterWhenConsumerTokenThenSubjectIsTheConsumer() throws Exception {
        String token = JWT.create()
                .withIssuer("partner")
                .withSubject("admin")
                .withIssuedAt(START)
                .withExpiresAt(START.plusSeconds(60))
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(
                        Secret.of(CONSUMER_SECRET).bytes()));
        FakeRequest request = request("Bearer " + token);
        filter.handle(request, response, chain);
        verify(chain).doFilter(request, response);
        assertEquals(
                Optional.of("partner:partner"),
                RequestAttributes.IDENTITY.get(request).orElseThrow().userId());
        assertEquals(
                Optional.of("partner:partner"),
                RequestAttributes.TOKEN_CLAIMS.get(request).orElseThrow().get("sub"));
    }

    @Test
    void doFilterWhenConsumerTokenGrantsItselfAdminThen403AndNoRoles() throws Exception {
        String token = JWT.create()
                .withIssuer("partner")
                .withIssuedAt(START)
                .withExpiresAt(START.plusSeconds(60))
                .withClaim("roles", List.of("admin"))
                .withClaim("scope", "admin")
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256(
                        Secret.of(CONSUMER_SECRET).bytes()));
        FakeRequest request = request(route(RouteConfig.AuthMode.JWT, List.of("admin")), "Bearer " + token);
        assertRefused(
                request,
                403,
                "insufficient-scope",
                "Bearer realm=\"portcullis\", error=\"insufficient_scope\", "
                        + "error_description=\"The token lacks a scope this route requires: admin\", scope=\"admin\"");

        FakeRequest open = request("Bearer " + token);
        filter.handle(open, FakeResponse.create(), chain);
        assertEquals(
                List.of(), RequestAttributes.IDENTITY.get(open).orElseThrow().roles());
        assertEquals(
                List.of(), RequestAttributes.IDENTITY.get(open).orElseThrow().scopes());
    }

    @Test
    void doFilterWhenConsumerTokenSignedWithWrongSecretThen401() throws Exception {
        String token = JWT.create()
                .withIssuer("partner")
                .withExpiresAt(START.plusSeconds(60))
                .sign(com.auth0.jwt.algorithms.Algorithm.HMAC256("another-secret-that-is-at-least-32-bytes"));
        assertRefused(request("Bearer " + token), 401, "invalid-token", invalid("The token's signature is invalid."));
    }

    private static final RateLimitsConfig LIMITS = new RateLimitsConfig(
            true,
            RateLimitsConfig.Algorithm.FIXED_WINDOW,
            new RateLimitsConfig.Limit(100, Duration.ofMinutes(1)),
            new RateLimitsConfig.Limit(20, Duration.ofMinutes(1)));
    private static final Charge USER_CHARGE = new Charge("u:user-1", "default", new Quota(100, Duration.ofMinutes(1)));
    private static final Decision COUNTED = new Decision(Decision.Outcome.LIMITED, 100, 0, 9);

    private JwtStage counting(FailurePolicy policy) {
        TokenCache cache = new TokenCache(
                new TokenVerifier(config, keys, clock), Optional.empty(), 100, clock, TokenCache.tickerOf(clock));
        return new JwtStage(new JwtAuthenticator(cache, revocations, policy), new Charges(LIMITS));
    }

    private void combined(RevocationStatus status, Optional<Decision> decision) {
        when(revocations.check(any(), any()))
                .thenReturn(CompletableFuture.completedFuture(new Checked<>(status, decision)));
    }

    @Test
    void doFilterWhenRateLimitedRouteThenTheRevocationCheckCountsTheRequestForStage6() throws Exception {
        combined(RevocationStatus.ACTIVE, Optional.of(COUNTED));
        FakeRequest request = request("Bearer " + token(List.of(), List.of()));

        counting(FailurePolicy.DENY).handle(request, response, chain);

        verify(chain).doFilter(request, response);
        verify(revocations).check(any(), eq(USER_CHARGE));
        verify(revocations, never()).check(any());
        assertEquals(
                new Counted(USER_CHARGE, COUNTED),
                RequestAttributes.COUNTED.get(request).orElseThrow());
    }

    @Test
    void doFilterWhenApiKeyIdentifiedBeforeThenCountedInTheKeysBucket() throws Exception {
        combined(RevocationStatus.ACTIVE, Optional.of(COUNTED));
        FakeRequest request = request("Bearer " + token(List.of(), List.of()));
        RequestAttributes.IDENTITY.set(
                request,
                new Identity(
                        Identity.AuthMethod.API_KEY, Optional.empty(), List.of(), Optional.of("partner-a"), List.of()));

        counting(FailurePolicy.DENY).handle(request, response, chain);

        Charge keyCharge = new Charge("k:partner-a", "default", USER_CHARGE.quota());
        verify(revocations).check(any(), eq(keyCharge));
        assertEquals(
                keyCharge, RequestAttributes.COUNTED.get(request).orElseThrow().charge());
    }

    @ParameterizedTest
    @EnumSource(
            value = RevocationStatus.class,
            names = {"REVOKED_TOKEN", "REVOKED_SESSION", "REVOKED_SUBJECT"})
    void doFilterWhenRevokedOnRateLimitedRouteThen401AndNothingCounted(RevocationStatus status) throws Exception {
        combined(status, Optional.empty());
        FakeRequest request = request("Bearer " + token(List.of(), List.of()));

        counting(FailurePolicy.DENY).handle(request, response, chain);

        verifyNoInteractions(chain);
        assertEquals(401, response.getStatus());
        assertTrue(response.getHeader("WWW-Authenticate").contains("The token has been revoked"));
        assertTrue(RequestAttributes.COUNTED.get(request).isEmpty());
    }

    @Test
    void doFilterWhenScopeMissingOnRateLimitedRouteThenCheckedWithoutCountingThen403() throws Exception {
        FakeRequest request =
                request(route(RouteConfig.AuthMode.JWT, List.of("admin")), "Bearer " + token(List.of(), List.of()));

        counting(FailurePolicy.DENY).handle(request, response, chain);

        verify(revocations).check(any());
        verify(revocations, never()).check(any(), any());
        assertEquals(403, response.getStatus());
        assertTrue(RequestAttributes.COUNTED.get(request).isEmpty());
    }

    @Test
    void doFilterWhenScopeMissingAndRevokedThenRevokedWins() throws Exception {
        active(RevocationStatus.REVOKED_SESSION);
        FakeRequest request =
                request(route(RouteConfig.AuthMode.JWT, List.of("admin")), "Bearer " + token(List.of(), List.of()));

        counting(FailurePolicy.DENY).handle(request, response, chain);

        assertEquals(401, response.getStatus());
        assertTrue(response.getHeader("WWW-Authenticate").contains("its session has ended"));
    }

    @Test
    void doFilterWhenCombinedCheckUnavailableThen503UnderDenyAndPassesUncountedUnderAllow() throws Exception {
        when(revocations.check(any(), any()))
                .thenReturn(CompletableFuture.failedFuture(new IllegalStateException("down")));
        FakeRequest denied = request("Bearer " + token(List.of(), List.of()));
        FakeRequest allowed = request("Bearer " + token(List.of(), List.of()));
        FakeResponse passed = FakeResponse.create();

        counting(FailurePolicy.DENY).handle(denied, response, chain);
        counting(FailurePolicy.ALLOW).handle(allowed, passed, chain);

        assertEquals(503, response.getStatus());
        assertEquals("1", response.getHeader("Retry-After"));
        verify(chain).doFilter(allowed, passed);
        assertTrue(
                RequestAttributes.COUNTED.get(allowed).isEmpty(),
                "the rate-limit stage counts (locally, if Redis is down)");
    }

    @Test
    void doFilterWhenRouteNotRateLimitedThenRevocationCheckAlone() throws Exception {
        Route free = Route.configured(
                new RouteConfig(
                        "free",
                        "/api/free",
                        List.of(URI.create("http://127.0.0.1:1")),
                        RouteConfig.AuthMode.JWT,
                        List.of(),
                        Optional.empty(),
                        false,
                        false,
                        Duration.ofSeconds(30),
                        false,
                        Optional.empty()),
                mock(RouteHandler.class));
        FakeRequest request = request(free, "Bearer " + token(List.of(), List.of()));

        counting(FailurePolicy.DENY).handle(request, response, chain);

        verify(chain).doFilter(request, response);
        verify(revocations).check(any());
        verify(revocations, never()).check(any(), any());
    }

    @Test
    void doFilterWhenNoRouteWasResolvedThenMissingAttributeAndChainNotCalled() {
        FakeRequest request = FakeRequest.of("GET", "/anything").header("Authorization", "Bearer x");

        assertThrows(MissingAttributeException.class, () -> filter.handle(request, response, chain));

        verifyNoInteractions(chain, revocations);
    }

    @Test
    void doFilterWhenRouteIsNotJwtOrAnEndpointThenPassesUntouched() throws Exception {
        for (FakeRequest request : List.of(
                request(route(RouteConfig.AuthMode.NONE, List.of()), null),
                request(route(RouteConfig.AuthMode.API_KEY, List.of()), null),
                request(Route.endpoint("health", "/health", mock(RouteHandler.class)), null))) {
            filter.handle(request, response, chain);
            verify(chain).doFilter(request, response);
        }
        verifyNoInteractions(revocations);
        assertEquals(200, response.getStatus());
    }
}
