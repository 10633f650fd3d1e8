package io.portcullis.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.chain.ClientAddress;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class WellKnownEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AuthFixture fixture = new AuthFixture();

    /** A discovery request whose Host, and whose trusted forwarding headers, name a foreign host. */
    private static FakeRequest foreignHost() {
        FakeRequest request = FakeRequest.of("GET", "/.well-known/openid-configuration")
                .header("Host", "evil.example")
                .header("X-Forwarded-Host", "evil.example");
        RequestAttributes.CLIENT.set(request, new ClientAddress("192.0.2.1", "192.0.2.1", "https", "evil.example"));
        return request;
    }

    private JsonNode discover(Optional<URI> publicUrl) throws Exception {
        FakeResponse response = FakeResponse.create();
        new WellKnownEndpoint(fixture.keys, fixture.config.auth(), publicUrl).handle(foreignHost(), response);
        assertEquals(200, response.getStatus());
        assertFalse(response.bodyText().contains("evil.example"), response.bodyText());
        return JSON.readTree(response.bodyText());
    }

    @Test
    void handleWhenPublicUrlConfiguredThenEveryUrlUsesItNeverTheHost() throws Exception {
        // Before: jwks_uri was http://evil.example/.well-known/jwks.json, cacheable by any shared cache.
        JsonNode metadata = discover(Optional.of(URI.create("https://api.example/gateway")));

        assertEquals(
                "https://api.example/gateway/.well-known/jwks.json",
                metadata.path("jwks_uri").asText());
        assertEquals(
                "https://api.example/gateway/auth/introspect",
                metadata.path("introspection_endpoint").asText());
        assertEquals(AuthFixture.ISSUER, metadata.path("issuer").asText());
    }

    @Test
    void handleWhenNoPublicUrlThenUrlsArePathsFromTheRoot() throws Exception {
        JsonNode metadata = discover(Optional.empty());

        assertEquals("/.well-known/jwks.json", metadata.path("jwks_uri").asText());
        assertEquals("/auth/revoke", metadata.path("revocation_endpoint").asText());
    }
}
