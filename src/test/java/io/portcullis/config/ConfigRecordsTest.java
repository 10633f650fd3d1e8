package io.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The config records refuse values the loader never builds, whoever builds them. */
class ConfigRecordsTest {
    private static String refusal(Runnable build) {
        return assertThrows(IllegalArgumentException.class, build::run).getMessage();
    }

    @Test
    void limitWhenBelowOneRequestThenRefusedNamingTheValue() {
        assertEquals(
                "a rate limit must allow at least 1 request (was 0)",
                refusal(() -> new RateLimitsConfig.Limit(0, Duration.ofMinutes(1))));
    }

    @Test
    void limitWhenWindowNotWholeSecondsThenRefusedNamingTheValue() {
        assertEquals(
                "a rate-limit window must be a whole number of seconds, at least 1s (was PT1.5S)",
                refusal(() -> new RateLimitsConfig.Limit(5, Duration.ofMillis(1500))));
        assertEquals(
                "a rate-limit window must be a whole number of seconds, at least 1s (was PT0S)",
                refusal(() -> new RateLimitsConfig.Limit(5, Duration.ZERO)));
    }

    @Test
    void wafConfigWhenParanoiaOutOfRangeThenRefusedNamingKeyAndValue() {
        assertEquals(
                "waf.paranoia must be 1 to 4 (was 5)",
                refusal(() -> new WafConfig(
                        WafConfig.Mode.BLOCK, 5, 1024, 1024, List.of("GET"), Optional.empty(), List.of())));
    }

    @Test
    void wafConfigWhenSizeNotPositiveThenRefusedNamingKeysAndValues() {
        assertEquals(
                "waf.max-body and waf.max-header must be positive (were 0, 1024)",
                refusal(() ->
                        new WafConfig(WafConfig.Mode.BLOCK, 1, 0, 1024, List.of("GET"), Optional.empty(), List.of())));
    }

    @Test
    void tokenCacheWhenNegativeSizeThenRefusedNamingKeyAndValue() {
        assertEquals(
                "auth.token-cache.size must not be negative (was -1)",
                refusal(() -> new AuthConfig.TokenCacheConfig(-1, false)));
    }

    @Test
    void loadWhenRateLimitWindowBadThenOneProblemNamingKeyAndValueNotAnException() {
        String yaml =
                "auth: {algorithm: HS256, signing-keys: [{kid: k1, secret: \"unit-test-secret-0123456789abcdef\"}]}\n"
                        + "rate-limits: {default: {limit: 10, window: 500ms}}\n";
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> new ConfigLoader()
                        .parse("test", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), Path.of(".")));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals(
                "rate-limits.default.window: must be a whole number of seconds, at least 1s (was PT0.5S)",
                e.problems().get(0));
    }
}
