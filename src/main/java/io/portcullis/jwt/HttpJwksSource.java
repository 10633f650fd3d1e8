package io.portcullis.jwt;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Fetches JWK Sets over HTTP(S) with {@code java.net.http}: bounded connect and request timeouts, no
 * redirects, at most {@link #MAX_DOCUMENT_BYTES} read. Thread-safe; one client serves every trusted issuer.
 */
public final class HttpJwksSource implements JwksSource {
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    public static final int MAX_DOCUMENT_BYTES = 256 * 1024;

    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(CONNECT_TIMEOUT)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    @Override
    public String fetch(URI jwksUri) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(jwksUri).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/jwk-set+json, application/json").GET().build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while fetching " + jwksUri, e);
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException(jwksUri + " answered " + response.statusCode());
            }
            byte[] bytes = body.readNBytes(MAX_DOCUMENT_BYTES + 1);
            if (bytes.length > MAX_DOCUMENT_BYTES) {
                throw new IOException(jwksUri + " answered more than " + MAX_DOCUMENT_BYTES + " bytes");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }
    }
}
