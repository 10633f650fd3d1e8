package io.portcullis.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import org.junit.jupiter.api.Test;

class TargetPathsTest {
    private static final URI UPSTREAM = URI.create("http://10.0.0.1:8080");

    @Test
    void targetWhenPathThenItAndTheQueryAsGiven() {
        assertEquals(
                "http://10.0.0.1:8080/api/orders/7?x=1&y=%20",
                TargetPaths.target(UPSTREAM, "/api/orders/7", "x=1&y=%20"));
        assertEquals("http://10.0.0.1:8080/api/caf%C3%A9", TargetPaths.target(UPSTREAM, "/api/caf%C3%A9", null));
    }

    @Test
    void targetWhenQueryHasCharactersAUriMayNotCarryThenEncodedAndTheResultIsAValidUri() {
        String target = TargetPaths.target(UPSTREAM, "/q", "fields=a|b&f={x}&q=\"<s>\"&c=^`\\&e=%C3%A9&k[0]=1");

        assertEquals(
                "http://10.0.0.1:8080/q?fields=a%7Cb&f=%7Bx%7D&q=%22%3Cs%3E%22&c=%5E%60%5C&e=%C3%A9&k[0]=1", target);
        assertEquals(
                "fields=a|b&f={x}&q=\"<s>\"&c=^`\\&e=é&k[0]=1",
                URI.create(target).getQuery());
    }

    @Test
    void targetWhenUpstreamHasBasePathThenPrepended() {
        URI withBase = URI.create("https://orders.internal/v2/");

        assertEquals("https://orders.internal/v2/7", TargetPaths.target(withBase, "/7", null));
        assertEquals(
                "https://orders.internal/v2/api/7",
                TargetPaths.target(URI.create("https://orders.internal/v2"), "/api/7", null));
    }

    @Test
    void targetWhenRequestIsTheStrippedPrefixThenBasePathAsWritten() {
        assertEquals(
                "http://echo:1/_demo/echo?x=1", TargetPaths.target(URI.create("http://echo:1/_demo/echo"), "", "x=1"));
        assertEquals("http://echo:1/v2/", TargetPaths.target(URI.create("http://echo:1/v2/"), "", null));
        assertEquals("http://echo:1/", TargetPaths.target(URI.create("http://echo:1"), "", null));
        assertEquals(
                "http://echo:1/_demo/echo/", TargetPaths.target(URI.create("http://echo:1/_demo/echo"), "/", null));
    }
}
