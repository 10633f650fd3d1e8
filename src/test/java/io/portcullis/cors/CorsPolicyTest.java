package io.portcullis.cors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.portcullis.config.CorsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CorsPolicyTest {
    static CorsPolicy policy(boolean credentials, String... origins) {
        return new CorsPolicy(new CorsConfig(
                List.of(origins),
                List.of("GET", "POST"),
                List.of("authorization"),
                List.of(),
                credentials,
                Duration.ofMinutes(5)));
    }

    private final CorsPolicy wildcard = policy(true, "https://*.example.com", "https://app.example.org");

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://a.example.com",
                "https://a.b.example.com",
                "HTTPS://A.Example.COM",
                "https://a.example.com:443"
            })
    void allowOriginWhenSubdomainOfPatternThenEchoedSerialised(String origin) {
        assertEquals(Optional.of(CorsConfig.origin(origin, false).orElseThrow()), wildcard.allowOrigin(origin));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://example.com",
                "https://evil-example.com",
                "https://example.com.evil.net",
                "https://a.example.com.evil.net",
                "http://a.example.com",
                "https://a.example.com:8443",
                "https://a.example.com/",
                "https://evil.net/.example.com",
                "https://evil.net?.example.com",
                "https://evil.net#.example.com",
                "https://user@a.example.com",
                "https://a.example.com.",
                "https://.example.com",
                "https://a..example.com",
                "null",
                "",
                "https://app.example.org.evil.net",
                "https://app.example.org/",
                "https://a.example.com, https://evil.net",
                "https://a%2eexample.com",
                "https://evil.net\\.example.com",
                "https://a.example.com\u0000"
            })
    void allowOriginWhenLookalikeThenRefused(String origin) {
        assertEquals(Optional.empty(), wildcard.allowOrigin(origin));
    }

    @Test
    void allowOriginWhenAnyWithoutCredentialsThenStarButNeverNull() {
        CorsPolicy any = policy(false, "*");

        assertEquals(Optional.of("*"), any.allowOrigin("https://anything.example"));
        assertEquals(Optional.empty(), any.allowOrigin("null"));
        assertEquals(Optional.empty(), any.allowOrigin("not an origin"));
    }

    @Test
    void allowOriginWhenNullListedLiterallyThenAllowed() {
        assertEquals(Optional.of("null"), policy(false, "null").allowOrigin("null"));
    }

    @Test
    void allowHeadersWhenAllListedThenLowerCasedElseRefused() {
        CorsPolicy p = policy(false, "https://a.example");

        assertEquals(Optional.of(List.of("authorization")), p.allowHeaders(" Authorization ,"));
        assertEquals(Optional.empty(), p.allowHeaders("authorization, x-admin"));
        assertEquals(Optional.of(List.of()), p.allowHeaders(null));
    }
}
