package io.portcullis.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.chain.RequestAttributes;
import io.portcullis.config.ApiKeysConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.store.InMemoryApiKeyStore;
import io.portcullis.testsupport.Bounded;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.FilterChain;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The API-key header in any shape a client can send: absent, repeated, empty, padded, in another case, huge,
 * binary. Exactly one header holding exactly a known key identifies the caller; no header is anonymous (or 401
 * {@code API key required} on an api-key route); everything else is 401 {@code Invalid API key}, and the key
 * is never echoed.
 */
class ApiKeyStagePropertiesTest {
    private static final String KEY = "partner-secret-0123456789";

    private final ApiKeyStage filter = new ApiKeyStage(
            "x-api-key",
            new ApiKeyVerifier(
                    List.of(new ApiKeysConfig.StaticKey(
                            "partner-a", ApiKeyVerifier.sha256Hex(KEY), List.of("inventory"))),
                    new InMemoryApiKeyStore(100)));

    @Property(tries = 300)
    void doFilterWhenAnyKeyHeadersThenIdentifiedOnlyByExactlyOneKnownKey(
            @ForAll("keyHeaders") List<String> values, @ForAll boolean apiKeyRoute) {
        FakeRequest request = FakeRequest.of("GET", "/api/x");
        RequestAttributes.ROUTE.set(
                request,
                ApiKeyStageTest.route(
                        apiKeyRoute ? RouteConfig.AuthMode.API_KEY : RouteConfig.AuthMode.NONE, List.of("inventory")));
        RequestAttributes.REQUEST_ID.set(request, "rid");
        values.forEach(value -> request.header(values.size() % 2 == 0 ? "X-API-Key" : "x-api-key", value));
        FakeResponse response = FakeResponse.create();
        AtomicInteger calls = new AtomicInteger();
        FilterChain chain = (req, res) -> calls.incrementAndGet();

        Bounded.run(() -> filter.handle(request, response, chain));

        if (values.size() == 1 && values.get(0).equals(KEY)) {
            assertEquals(1, calls.get());
            assertEquals(
                    List.of("inventory"), RequestAttributes.identity(request).scopes());
        } else if (values.isEmpty() && !apiKeyRoute) {
            assertEquals(1, calls.get());
        } else {
            assertEquals(0, calls.get());
            assertEquals(401, response.getStatus());
            assertEquals("application/problem+json", response.getContentType());
            assertTrue(
                    response.bodyText().contains(values.isEmpty() ? "API key required" : "Invalid API key"),
                    response.bodyText());
            assertTrue(RequestAttributes.IDENTITY.get(request).isEmpty());
            values.stream()
                    .filter(value -> value.length() > 6)
                    .forEach(value -> assertFalse(response.bodyText().contains(value), "key echoed"));
        }
    }

    @Provide
    Arbitrary<List<String>> keyHeaders() {
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.of(
                        KEY,
                        " " + KEY,
                        KEY + " ",
                        KEY.toUpperCase(),
                        KEY + "\u0000",
                        KEY.substring(1),
                        "",
                        " ",
                        "Bearer " + KEY,
                        KEY + "," + KEY,
                        "partner-a"),
                Arbitraries.strings().ofMaxLength(40),
                Arbitraries.integers().between(1_000, 20_000).map("k"::repeat));
        return value.list().ofMaxSize(3);
    }
}
