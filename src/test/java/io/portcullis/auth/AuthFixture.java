package io.portcullis.auth;

import static org.mockito.Mockito.doReturn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.jwt.SigningKeys;
import io.portcullis.store.SessionPolicy;
import io.portcullis.store.Stores;
import io.portcullis.testsupport.FakeInputStream;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import io.portcullis.testsupport.MutableClock;
import jakarta.servlet.ServletInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

/** The auth service over in-memory stores, a cheap password hasher and a hand-moved clock, for unit tests. */
final class AuthFixture {
    static final Instant START = Instant.parse("2026-11-23T12:00:00Z");
    static final String ISSUER = "https://gw.example";
    static final String CONFIG = """
            auth:
              issuer: https://gw.example
              algorithm: HS256
              signing-keys:
                - { kid: t1, secret: "unit-tests-only-0123456789abcdef-xyz" }
              access-ttl: 15m
              refresh-ttl: 2h
              idle-timeout: 1h
              refresh-grace: 30s
              limits:
                endpoints: { limit: 1000000, window: 1m }
                register: { limit: 1000000, window: 1m }
            routes:
              - { prefix: /api/orders, upstream: "http://127.0.0.1:9", auth: jwt, scopes: [orders] }
            """;
    private static final ObjectMapper JSON = new ObjectMapper();

    final MutableClock clock = new MutableClock(START);
    final GatewayConfig config;
    final Stores stores;
    final SigningKeys keys;
    final PasswordHasher hasher = new PasswordHasher(8, 1, 1);
    final AuthEndpoint endpoint;

    AuthFixture() {
        this(CONFIG);
    }

    AuthFixture(String yaml) {
        config = new ConfigLoader()
                .parse("test.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), Path.of("."));
        stores = Stores.inMemory(
                clock,
                config.auth().refreshTtl().plus(config.auth().leeway()),
                new SessionPolicy(config.auth().idleTimeout(), config.auth().refreshGrace()),
                1000);
        keys = SigningKeys.load(config.auth(), config.gateway().demo(), config.source());
        endpoint = AuthEndpoint.create(
                config, keys, stores.auth(config.rateLimits().algorithm()), clock, hasher);
    }

    /** A response and its JSON body (null when there is none). */
    record Answer(FakeResponse response, JsonNode body) {
        int status() {
            return response.getStatus();
        }

        String header(String name) {
            return response.getHeader(name);
        }

        String text(String field) {
            return body.path(field).asText();
        }
    }

    Answer call(FakeRequest request) {
        FakeResponse response = FakeResponse.create();
        try {
            endpoint.handle(request, response);
            String text = response.bodyText();
            return new Answer(response, text.isEmpty() ? null : JSON.readTree(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Answer post(String path, String json, String... headers) {
        return call(withHeaders(jsonRequest("POST", "/auth" + path, json), headers));
    }

    Answer get(String path, String... headers) {
        return call(withHeaders(FakeRequest.of("GET", "/auth" + path), headers));
    }

    Answer postForm(String path, Map<String, String[]> form) {
        FakeRequest request = FakeRequest.of("POST", "/auth" + path);
        doReturn("application/x-www-form-urlencoded").when(request).getContentType();
        doReturn(form).when(request).getParameterMap();
        return call(request);
    }

    static FakeRequest jsonRequest(String method, String path, String json) {
        FakeRequest request = FakeRequest.of(method, path);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        doReturn("application/json").when(request).getContentType();
        doReturn((long) bytes.length).when(request).getContentLengthLong();
        try {
            doReturn(stream(bytes)).when(request).getInputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return request;
    }

    private static FakeRequest withHeaders(FakeRequest request, String... headers) {
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request;
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    static String credentials(String username, String password) {
        return "{\"username\":\"" + username + "\",\"password\":\"" + password + "\"}";
    }

    /** Registers and logs in; returns the token response. */
    Answer registerAndLogin(String username) {
        post("/register", credentials(username, "correct horse"));
        return post("/login", credentials(username, "correct horse"));
    }

    private static ServletInputStream stream(byte[] bytes) {
        return FakeInputStream.of(bytes);
    }
}
