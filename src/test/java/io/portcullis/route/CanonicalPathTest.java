package io.portcullis.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.chain.CanonicalPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalPathTest {

    static CanonicalPath accepted(String raw) {
        CanonicalPath.Decision decision = CanonicalPath.parse(raw);
        return assertInstanceOf(CanonicalPath.Accepted.class, decision, () -> raw + " → " + decision)
                .path();
    }

    static String refusal(String raw) {
        CanonicalPath.Decision decision = CanonicalPath.parse(raw);
        return assertInstanceOf(CanonicalPath.Refused.class, decision, () -> raw + " → " + decision)
                .reason();
    }

    @ParameterizedTest(name = "{0} → {1}, forwarded {2}")
    @CsvSource(
            delimiter = ' ',
            quoteCharacter = '"',
            value = {
                "/ / /",
                "\"\" / /",
                "/api/orders/7 /api/orders/7 /api/orders/7",
                "/api/orders/ /api/orders/ /api/orders/",
                "/api//orders///7 /api/orders/7 /api/orders/7",
                "/api/x/../orders /api/orders /api/orders",
                "/api/./orders/. /api/orders/ /api/orders/",
                "/api/orders/.. /api/ /api/",
                "/a/.. / /",
                "/. / /",
                "/api/%61%62 /api/ab /api/ab",
                "/api/caf%C3%A9%20bar \"/api/café bar\" /api/caf%C3%A9%20bar",
                "/api/caf%c3%a9 /api/café /api/caf%C3%A9",
                "/api/a+b:c@d!$&'()*,= /api/a+b:c@d!$&'()*,= /api/a%2Bb%3Ac%40d%21%24%26%27%28%29%2A%2C%3D",
                "/api/{x}|^` /api/{x}|^` /api/%7Bx%7D%7C%5E%60",
                "/api/admin. /api/admin. /api/admin.",
                "/api/... /api/... /api/...",
                "/api/.x/x. /api/.x/x. /api/.x/x.",
                "/api/a%2eb /api/a.b /api/a.b",
                "/api/%F0%9F%98%80 /api/\uD83D\uDE00 /api/%F0%9F%98%80",
                "/api/-._~ /api/-._~ /api/-._~"
            })
    void parseWhenUnambiguousThenDecodedOnceAndReEncoded(String raw, String path, String forwarded) {
        CanonicalPath canonical = accepted(raw);

        assertEquals(path, canonical.path());
        assertEquals(forwarded, canonical.encoded());
        assertFalse(canonical.hasParameters());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "/api/admin%3B/x",
                "/api/admin%3b/x",
                "/api/a%2Fb",
                "/api/a%2fb",
                "/api/a%5Cb",
                "/api/a%5cb",
                "/api/a\\b",
                "/api/a%00b",
                "/api/a%0Db",
                "/api/a%0ab",
                "/api/a%7Fb",
                "/api/a%C2%85b",
                "/api/%252e%252e/x",
                "/api/a%2500",
                "/api/a%25",
                "/api/%2e/x",
                "/api/%2E%2e/x",
                "/api/.%2e/x",
                "/api/%2e./x",
                "/api/%2e",
                "/api/%c0%ae%c0%ae/x",
                "/api/%c0%af",
                "/api/%e0%80%ae",
                "/api/%ed%a0%80",
                "/api/%ff",
                "/api/%c3",
                "/api/%zz",
                "/api/%2",
                "/api/%",
                "/api/%u002e",
                "/api/%٣٣",
                "/api/x/..;/admin",
                "/api/..;x=1/admin",
                "/api/.;/x",
                "/api/;x/y",
                "/;x",
                "/..",
                "/../api",
                "/api/../..",
                "/api/x/../../../y",
                "api/x",
                "*",
                "/api/\u00e9",
                "/api/a b",
                "/api/a\tb",
                "/api/a\u0000b"
            })
    void parseWhenAmbiguousThenRefused(String raw) {
        assertFalse(refusal(raw).isBlank());
    }

    @Test
    void parseWhenRefusedThenTheReasonNeverRepeatsThePath() {
        assertFalse(refusal("/secret-token-123%2Fx").contains("secret-token"));
    }

    @Test
    void parseWhenPathParametersThenKeptApartFromTheNames() {
        CanonicalPath canonical = accepted("/api;v=1/list;page=2;size=10/7;x");

        assertEquals("/api/list/7", canonical.path());
        assertTrue(canonical.hasParameters());
        assertEquals("/api;v=1/list;page=2;size=10/7;x", canonical.encoded());
        assertEquals("/list;page=2;size=10/7;x", canonical.encodedAfter(1));
    }

    @Test
    void parseWhenPathParameterValuesNeedEncodingThenEncodedButSeparatorsKept() {
        assertEquals(
                "/list;q=a%20b,c;r=%C3%A9%3A",
                accepted("/list;q=a%20b,c;r=%C3%A9:").encoded());
        assertEquals("/list;", accepted("/list;").encoded());
    }

    @Test
    void parseWhenJsessionidThenItIsAPathParameter() {
        CanonicalPath canonical = accepted("/api/x;jsessionid=0123");

        assertEquals("/api/x", canonical.path());
        assertTrue(canonical.hasParameters());
    }

    @Test
    void climbsAboveWhenDotDotPoppedBelowADepthThenTrue() {
        CanonicalPath canonical = accepted("/api/public/../admin/x");

        assertEquals("/api/admin/x", canonical.path());
        assertTrue(canonical.climbsAbove(2));
        assertFalse(canonical.climbsAbove(1));
        assertFalse(accepted("/api/admin/x/../y").climbsAbove(2));
        assertFalse(accepted("/api/admin/x").climbsAbove(3));
    }

    @Test
    void encodedAfterWhenPrefixSegmentsSkippedThenRestOrEmpty() {
        assertEquals("/items/7", accepted("/strip/items/7").encodedAfter(1));
        assertEquals("", accepted("/strip").encodedAfter(1));
        assertEquals("/", accepted("/strip/").encodedAfter(1));
        assertEquals("/a%20b", accepted("/x/y/a%20b").encodedAfter(2));
    }

    @ParameterizedTest(name = "{0} has depth {1}")
    @CsvSource({"/, 0", "/api, 1", "/api/orders, 2", "/a/b/c, 3"})
    void depthWhenPrefixThenItsSegmentCount(String prefix, int depth) {
        assertEquals(depth, CanonicalPath.depth(prefix));
    }
}
