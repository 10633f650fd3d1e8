package io.portcullis.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.portcullis.auth.TokenIssuer;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.config.AuthConfig;
import io.portcullis.config.RedisConfig.FailurePolicy;
import io.portcullis.config.RouteConfig;
import io.portcullis.testsupport.Bounded;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import io.portcullis.testsupport.MutableClock;
import jakarta.servlet.FilterChain;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The {@code Authorization} header of a JWT route, in every shape a client can send: schemes in any case,
 * odd separators, several headers, empty, huge or garbled credentials. The JWT stage either lets exactly the
 * one well-formed genuine token through, or answers 401 problem+json with an RFC 6750 challenge; it never
 * throws, and never repeats the credential back.
 */
class BearerTokenPropertiesTest {
    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final SigningKey KEY = SigningKeys.generate(AuthConfig.Algorithm.HS256, "k1");

    private final MutableClock clock = new MutableClock(NOW);
    private final AuthConfig config = TokenVerifierTest.config(AuthConfig.Algorithm.HS256);
    private final SigningKeys keys = new SigningKeys(List.of(KEY));
    private final String genuine = new TokenIssuer(keys, config, clock)
            .issue("user-1", "s1", List.of(), List.of())
            .token();
    private final JwtStage filter;

    BearerTokenPropertiesTest() {
        RevocationStore revocations = mock(RevocationStore.class);
        when(revocations.check(any())).thenReturn(CompletableFuture.completedFuture(RevocationStatus.ACTIVE));
        TokenCache cache = new TokenCache(
                new TokenVerifier(config, keys, clock), Optional.empty(), 100, clock, TokenCache.tickerOf(clock));
        filter = new JwtStage(new JwtAuthenticator(cache, revocations, FailurePolicy.DENY));
    }

    @Property(tries = 300)
    void doFilterWhenAnyAuthorizationHeadersThenGenuineTokenPassesAndAllElse401(
            @ForAll("authorizations") List<String> authorization) {
        FakeRequest request = FakeRequest.of("GET", "/api/orders/1");
        RequestAttributes.ROUTE.set(request, JwtStageTest.route(RouteConfig.AuthMode.JWT, List.of()));
        RequestAttributes.REQUEST_ID.set(request, "rid-1");
        authorization.forEach(value -> request.header("Authorization", value));
        FakeResponse response = FakeResponse.create();
        AtomicInteger calls = new AtomicInteger();
        FilterChain chain = (req, res) -> calls.incrementAndGet();

        Bounded.run(() -> filter.handle(request, response, chain));

        boolean genuineAlone = authorization.size() == 1
                && isBearer(authorization.get(0))
                // One token, one spelling: padding after the signature ('=') is another string, refused.
                && authorization.get(0).strip().substring(6).strip().equals(genuine);
        if (genuineAlone) {
            assertEquals(1, calls.get());
            assertEquals(200, response.getStatus());
            return;
        }
        assertEquals(0, calls.get(), "the request went no further");
        assertEquals(401, response.getStatus(), response::bodyText);
        assertEquals("application/problem+json", response.getContentType());
        String challenge = response.getHeader("WWW-Authenticate");
        assertTrue(challenge.startsWith("Bearer realm=\"portcullis\""), challenge);
        assertTrue(challenge.chars().allMatch(c -> c >= 0x20 && c <= 0x7e), "RFC 6750: printable ASCII only");
        assertTrue(RequestAttributes.IDENTITY.get(request).isEmpty(), "no identity from a refused credential");
        for (String value : authorization) {
            String credential = value.strip().length() > 7 ? value.strip().substring(7) : "";
            assertFalse(credential.length() > 8 && response.bodyText().contains(credential), "credential echoed");
        }
    }

    private static boolean isBearer(String value) {
        String stripped = value.strip();
        return stripped.length() > 7 && stripped.substring(0, 7).equalsIgnoreCase("bearer ");
    }

    @Provide
    Arbitrary<List<String>> authorizations() {
        Arbitrary<String> scheme = Arbitraries.of(
                "Bearer", "bearer", "BEARER", "BeArEr", "Basic", "Token", "", "Bearer:", "Bearer\t", "Bearerx", "DPoP");
        Arbitrary<String> separator = Arbitraries.of(" ", "  ", "\t", "", " \t ", ",");
        Arbitrary<String> credential = Arbitraries.oneOf(
                Arbitraries.just(genuine),
                Arbitraries.just(genuine + " " + genuine),
                Arbitraries.just(genuine + "="),
                Arbitraries.just(genuine.substring(0, genuine.length() - 3)),
                Arbitraries.strings().withChars("ABCabc012-._~+/=\"\\ ,;").ofMaxLength(60),
                Arbitraries.strings().ofMaxLength(60),
                Arbitraries.integers().between(4_000, 9_000).map("A."::repeat));
        Arbitrary<String> value = Combinators.combine(scheme, separator, credential, Arbitraries.of("", " ", "\t"))
                .as((s, sep, c, trail) -> s + sep + c + trail);
        return Arbitraries.frequencyOf(
                Tuple.of(6, value.list().ofSize(1)),
                Tuple.of(1, value.list().ofMinSize(0).ofMaxSize(3)));
    }
}
