package io.portcullis.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.testsupport.FakeRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderRedactorTest {
    private final HeaderRedactor redactor = new HeaderRedactor("X-Partner-Key");

    @Test
    void renderWhenCredentialHeadersThenRedactedOthersKept() {
        Map<String, String> rendered = redactor.render(FakeRequest.of("GET", "/")
                .header("Authorization", "Bearer t")
                .header("Proxy-Authorization", "Basic p")
                .header("Cookie", "a=b")
                .header("x-api-key", "k1")
                .header("X-Partner-Key", "k2")
                .header("Accept", "application/json")
                .header("Accept", "text/plain"));

        assertEquals("[redacted]", rendered.get("Authorization"));
        assertEquals("[redacted]", rendered.get("Proxy-Authorization"));
        assertEquals("[redacted]", rendered.get("Cookie"));
        assertEquals("[redacted]", rendered.get("x-api-key"));
        assertEquals("[redacted]", rendered.get("X-Partner-Key"));
        assertEquals("application/json, text/plain", rendered.get("Accept"));
    }

    @Test
    void isRedactedWhenAnyCaseThenTrue() {
        assertTrue(redactor.isRedacted("SET-COOKIE"));
        assertTrue(redactor.isRedacted("x-partner-key"));
        assertFalse(redactor.isRedacted("X-Request-Id"));
    }
}
