package io.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class TargetPathsTest {
    private static final URI UPSTREAM = URI.create("http://10.0.0.1:8080");

    @Test
    void targetWhenNoStripThenWholePathAndQuery() {
        assertEquals("http://10.0.0.1:8080/api/orders/7?x=1&y=%20",
                TargetPaths.target(UPSTREAM, "/api/orders/7", "/api/orders/7", "", "x=1&y=%20"));
    }

    @Test
    void targetWhenStripPrefixThenRemainderOnly() {
        assertEquals("http://10.0.0.1:8080/7", TargetPaths.target(UPSTREAM, "/api/orders/7", "/api/orders/7", "/api/orders", null));
        assertEquals("http://10.0.0.1:8080/", TargetPaths.target(UPSTREAM, "/api/orders", "/api/orders", "/api/orders", null));
    }

    @Test
    void targetWhenUpstreamHasBasePathThenPrepended() {
        URI withBase = URI.create("https://orders.internal/v2/");

        assertEquals("https://orders.internal/v2/7", TargetPaths.target(withBase, "/api/7", "/api/7", "/api", null));
        assertEquals("https://orders.internal/v2/api/7", TargetPaths.target(withBase, "/api/7", "/api/7", "", null));
    }

    @Test
    void targetWhenRequestIsTheStrippedPrefixThenBasePathAsWritten() {
        assertEquals("http://echo:1/_demo/echo?x=1",
                TargetPaths.target(URI.create("http://echo:1/_demo/echo"), "/api/echo", "/api/echo", "/api/echo", "x=1"));
        assertEquals("http://echo:1/v2/", TargetPaths.target(URI.create("http://echo:1/v2/"), "/api", "/api", "/api", null));
        assertEquals("http://echo:1/_demo/echo/",
                TargetPaths.target(URI.create("http://echo:1/_demo/echo"), "/api/echo/", "/api/echo/", "/api/echo", null));
    }

    @Test
    void targetWhenRawPathDecodesToMatchedPathThenClientEncodingKept() {
        assertEquals("http://10.0.0.1:8080/api/caf%C3%A9%20bar",
                TargetPaths.target(UPSTREAM, "/api/caf%C3%A9%20bar", "/api/café bar", "", null));
        assertEquals("http://10.0.0.1:8080/api/a+b", TargetPaths.target(UPSTREAM, "/api/a+b", "/api/a+b", "", null));
    }

    @Test
    void targetWhenRawPathDiffersFromMatchedPathThenNormalisedPathReEncoded() {
        // The container normalised "/api/public/../admin": the upstream must see what the route checked.
        assertEquals("http://10.0.0.1:8080/api/admin",
                TargetPaths.target(UPSTREAM, "/api/public/../admin", "/api/admin", "", null));
        assertEquals("http://10.0.0.1:8080/api/a%20b",
                TargetPaths.target(UPSTREAM, "/api/x/%2e%2e/a%20b", "/api/a b", "", null));
    }

    @Test
    void targetWhenPathParametersDroppedByContainerThenMatchedPathUsed() {
        assertEquals("http://10.0.0.1:8080/api", TargetPaths.target(UPSTREAM, "/api;jsessionid=1", "/api", "", null));
    }

    @Test
    void encodeWhenReservedOrNonAsciiThenPercentEncoded() {
        assertEquals("/a%20b/%C3%A9/%3F%23%25", TargetPaths.encode("/a b/é/?#%"));
        assertEquals("/-._~!$&'()*+,;=:@", TargetPaths.encode("/-._~!$&'()*+,;=:@"));
    }

    @Test
    void encodedPathWhenBadPercentEncodingThenReEncoded() {
        assertEquals("/api/%25zz", TargetPaths.encodedPath("/api/%zz", "/api/%zz"));
    }

    /** Found by TargetPathsPropertiesTest: a prefix spelled with an escape (/%61pi) was not stripped. */
    @Test
    void targetWhenClientEncodesThePrefixThenItIsStillStripped() {
        assertEquals("http://10.0.0.1:8080/7", TargetPaths.target(UPSTREAM, "/%61pi/orders/7", "/api/orders/7", "/api/orders", null));
        assertEquals("http://10.0.0.1:8080/", TargetPaths.target(UPSTREAM, "/api/%6Frders", "/api/orders", "/api/orders", null));
    }

    /** Found by TargetPathsPropertiesTest: where the container decoded %2F, the upstream got %2F, one segment fewer. */
    @Test
    void targetWhenEncodedSlashWasDecodedForMatchingThenUpstreamSeesTheSlash() {
        assertEquals("http://10.0.0.1:8080/api/a/b", TargetPaths.target(UPSTREAM, "/api/a%2Fb", "/api/a/b", "", null));
    }
}
