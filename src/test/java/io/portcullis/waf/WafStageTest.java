package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.portcullis.chain.BodyTooLargeException;
import io.portcullis.chain.MissingAttributeException;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.config.RouteConfig;
import io.portcullis.config.WafConfig;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.net.URI;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class WafStageTest {
    /** A route without limits of its own: the WAF's own limits apply. */
    static final Route ANY_ROUTE = Route.endpoint("test", "/", (req, res) -> {});

    private static final List<String> METHODS = List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private static WafConfig config(
            WafConfig.Mode mode, long maxBody, long maxHeader, List<WafConfig.Exclusion> exclusions) {
        return new WafConfig(mode, 1, maxBody, maxHeader, METHODS, Optional.empty(), exclusions);
    }

    private static WafConfig config() {
        return config(WafConfig.Mode.BLOCK, 1024 * 1024, 16 * 1024, List.of());
    }

    /** Runs the filter; returns the request the chain received, or null when the chain was not called. */
    private static ServletRequest[] run(
            WafStage filter, HttpServletRequest request, FakeServletRequests.Recorder recorder) throws Exception {
        ServletRequest[] passed = {null};
        if (RequestAttributes.ROUTE.get(request).isEmpty()) {
            RequestAttributes.ROUTE.set(request, ANY_ROUTE);
        }
        filter.handle(request, recorder.response, (req, res) -> {
            assertNull(passed[0], "chain called twice");
            passed[0] = req;
        });
        return passed;
    }

    private static HttpServletRequest get(String uri, String... headers) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        list.add(Map.entry("User-Agent", "test-client/1.0"));
        list.add(Map.entry("Accept", "application/json"));
        for (int i = 0; i < headers.length; i += 2) {
            list.add(Map.entry(headers[i], headers[i + 1]));
        }
        return FakeServletRequests.request("GET", uri, list, new byte[0]);
    }

    private static HttpServletRequest post(String uri, String contentType, byte[] body, String... headers) {
        List<Map.Entry<String, String>> list = new ArrayList<>();
        list.add(Map.entry("User-Agent", "test-client/1.0"));
        list.add(Map.entry("Content-Type", contentType));
        for (int i = 0; i < headers.length; i += 2) {
            list.add(Map.entry(headers[i], headers[i + 1]));
        }
        return FakeServletRequests.request("POST", uri, list, body);
    }

    @Test
    void doFilterWhenRequestIsBenignThenChainIsCalledOnce() throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        ServletRequest[] passed = run(WafStage.create(config()), get("/api/products?q=O%27Brien%27s+shoes"), recorder);
        assertTrue(passed[0] != null);
        assertEquals(200, recorder.status);
    }

    @Test
    void doFilterWhenBodyIsInspectedThenChainReadsTheSameBytesAndLength() throws Exception {
        byte[] body = "{\"name\":\"Zoë O'Brien\",\"note\":\"select the blue one\"}".getBytes(StandardCharsets.UTF_8);
        ServletRequest[] passed = run(
                WafStage.create(config()),
                post("/api/users", "application/json", body),
                new FakeServletRequests.Recorder());
        HttpServletRequest forwarded = (HttpServletRequest) passed[0];
        assertEquals(body.length, forwarded.getContentLengthLong());
        assertEquals(body.length, forwarded.getContentLength());
        assertArrayEquals(body, forwarded.getInputStream().readAllBytes());
        assertTrue(forwarded.getInputStream().isFinished());
    }

    @Test
    void doFilterWhenQueryHoldsAnAttackThenAnswers403AndChainIsNotCalled() throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        ServletRequest[] passed = run(WafStage.create(config()), get("/api/items?id=1%27+OR+%271%27%3D%271"), recorder);
        assertNull(passed[0]);
        assertEquals(403, recorder.status);
        assertTrue(recorder.body().contains("urn:portcullis:problem:request-blocked"), recorder.body());
        assertTrue(recorder.body().contains("Request blocked"));
        assertFalse(recorder.body().contains("942"), "rule ids must not reach the client");
    }

    @Test
    void doFilterWhenJsonKeyDeepInsideHoldsAnAttackThenBlocks() throws Exception {
        byte[] body = "{\"a\":{\"b\":[{\"c\":{\"<script>alert(1)</script>\":1}}]}}".getBytes(StandardCharsets.UTF_8);
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        assertNull(run(WafStage.create(config()), post("/api/x", "application/json", body), recorder)[0]);
        assertEquals(403, recorder.status);
    }

    @Test
    void doFilterWhenJsonIsSentAsTextOrWithoutContentTypeThenItsEscapedValuesAreInspected() throws Exception {
        // Many upstreams parse the body as JSON whatever its Content-Type (Go's json.NewDecoder(r.Body), Flask's
        // get_json(force=True), body-parser with type */*): the escapes must not hide the value from the WAF.
        byte[] body = "{\"comment\":\"\\u003cscript\\u003ealert(document.cookie)\\u003c/script\\u003e\"}"
                .getBytes(StandardCharsets.UTF_8);
        for (String type : List.of("text/plain", "text/plain; charset=utf-8", "application/xml")) {
            FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
            assertNull(run(WafStage.create(config()), post("/api/x", type, body), recorder)[0], type);
            assertEquals(403, recorder.status, type);
        }
        List<Map.Entry<String, String>> headers =
                List.of(Map.entry("User-Agent", "test-client/1.0"), Map.entry("Accept", "*/*"));
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        assertNull(
                run(WafStage.create(config()), FakeServletRequests.request("POST", "/api/x", headers, body), recorder)[
                        0],
                "no Content-Type");
        assertEquals(403, recorder.status);
    }

    @Test
    void doFilterWhenTextBodyMerelyStartsLikeJsonThenItPasses() throws Exception {
        for (String text : List.of("{not json at all", "[1, 2, 3]", "{\"note\":\"select the blue one\"}")) {
            ServletRequest[] passed = run(
                    WafStage.create(config()),
                    post("/api/x", "text/plain", text.getBytes(StandardCharsets.UTF_8)),
                    new FakeServletRequests.Recorder());
            assertTrue(passed[0] != null, text);
        }
    }

    @Test
    void doFilterWhenContainerCannotParseTheCharsetThenTheHeaderAsSentIsInspected() throws Exception {
        // Jetty's getContentType() throws for a charset it cannot name; found by WafCorpusIT (CRS 920480).
        HttpServletRequest request =
                new HttpServletRequestWrapper(post(
                        "/api/form",
                        "application/x-www-form-urlencoded; charset=garbage",
                        "a=1".getBytes(StandardCharsets.UTF_8))) {
                    @Override
                    public String getContentType() {
                        throw new IllegalCharsetNameException("garbage");
                    }
                };
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        assertNull(run(WafStage.create(config()), request, recorder)[0]);
        assertEquals(403, recorder.status);
    }

    @Test
    void doFilterWhenMethodIsNotAllowedThenAnswers405WithAllow() throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        HttpServletRequest request = FakeServletRequests.request("TRACE", "/api/x", List.of(), new byte[0]);
        assertNull(run(WafStage.create(config()), request, recorder)[0]);
        assertEquals(405, recorder.status);
        assertEquals("GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS", recorder.headers.get("allow"));
        assertTrue(recorder.body().contains("method-not-allowed"));
    }

    @Test
    void doFilterWhenOneHeaderExceedsMaxHeaderThenAnswers431() throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        WafStage filter = WafStage.create(config(WafConfig.Mode.BLOCK, 1024, 100, List.of()));
        assertNull(run(filter, get("/api/x", "X-Big", "a".repeat(120)), recorder)[0]);
        assertEquals(431, recorder.status);
        assertTrue(recorder.body().contains("header-too-large"));
    }

    @Test
    void doFilterWhenHeadersTogetherExceedMaxHeaderThenAnswers431() throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        WafStage filter = WafStage.create(config(WafConfig.Mode.BLOCK, 1024, 100, List.of()));
        assertNull(run(filter, get("/api/x", "X-A", "a".repeat(40), "X-B", "b".repeat(40)), recorder)[0]);
        assertEquals(431, recorder.status);
    }

    @Test
    void doFilterWhenDeclaredLengthExceedsMaxBodyThenDrainsItAndAnswers413() throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        WafStage filter = WafStage.create(config(WafConfig.Mode.BLOCK, 10, 16 * 1024, List.of()));
        HttpServletRequest request =
                post("/api/x", "application/json", "{\"a\":\"0123456789\"}".getBytes(StandardCharsets.UTF_8));
        assertNull(run(filter, request, recorder)[0]);
        assertEquals(413, recorder.status);
        assertEquals(
                0, request.getInputStream().available(), "a small remainder is drained so the client sees the 413");
        assertNull(recorder.headers.get("connection"));
    }

    @Test
    void drainWhenBodyLongerThanTheBoundThenStopsAndSaysSo() {
        assertTrue(WafStage.drain(new java.io.ByteArrayInputStream(new byte[100]), 100));
        assertFalse(WafStage.drain(new java.io.ByteArrayInputStream(new byte[101]), 100));
    }

    @Test
    void doFilterWhenChunkedBodyExceedsMaxBodyThenAnswers413() throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        WafStage filter = WafStage.create(config(WafConfig.Mode.BLOCK, 10, 16 * 1024, List.of()));
        HttpServletRequest request = post(
                "/api/x",
                "text/plain",
                "0123456789abc".getBytes(StandardCharsets.UTF_8),
                "Transfer-Encoding",
                "chunked");
        assertNull(run(filter, request, recorder)[0]);
        assertEquals(413, recorder.status);
    }

    /** A route to an upstream with its own body settings. */
    private static HttpServletRequest onRoute(HttpServletRequest request, RouteConfig.Bodies bodies) {
        RouteConfig config = new RouteConfig(
                "upload",
                "/api",
                List.of(URI.create("http://127.0.0.1:1")),
                RouteConfig.AuthMode.NONE,
                List.of(),
                Optional.empty(),
                true,
                false,
                RouteConfig.DEFAULT_TIMEOUT,
                false,
                Optional.empty(),
                bodies);
        RequestAttributes.ROUTE.set(request, Route.configured(config, (req, res) -> {}));
        return request;
    }

    private static final RouteConfig.Bodies OCTETS =
            new RouteConfig.Bodies(OptionalLong.empty(), List.of("application/octet-stream"));

    @Test
    void doFilterWhenOpaqueBodyOnARouteThatAllowsItThenItStreamsThroughUninspected() throws Exception {
        byte[] upload = ("<script>alert(1)</script>" + "x".repeat(100)).getBytes(StandardCharsets.UTF_8);
        WafStage filter = WafStage.create(config(WafConfig.Mode.BLOCK, 1024, 16 * 1024, List.of()));
        HttpServletRequest request = onRoute(post("/api/upload", "application/octet-stream", upload), OCTETS);
        ServletRequest[] passed = run(filter, request, new FakeServletRequests.Recorder());
        assertSame(request, passed[0], "a body of known length within the limit is passed on as it is");
        assertArrayEquals(upload, passed[0].getInputStream().readAllBytes());
    }

    @Test
    void doFilterWhenOpaqueBodyWithLengthOverMaxBodyThenAnswers413() throws Exception {
        // Before: a media type the WAF does not inspect skipped every limit.
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        WafStage filter = WafStage.create(config(WafConfig.Mode.BLOCK, 10, 16 * 1024, List.of()));
        HttpServletRequest request = onRoute(post("/api/upload", "application/octet-stream", new byte[11]), OCTETS);
        assertNull(run(filter, request, recorder)[0]);
        assertEquals(413, recorder.status);
        assertTrue(recorder.body().contains("payload-too-large"));
    }

    @Test
    void doFilterWhenUnlistedTypeOverMaxBodyThenAnswers413BeforeReadingIt() throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        WafStage filter = WafStage.create(config(WafConfig.Mode.BLOCK, 1024, 16 * 1024, List.of()));
        assertNull(run(filter, post("/api/x", "application/x-json", new byte[2048]), recorder)[0]);
        assertEquals(413, recorder.status);
    }

    @Test
    void doFilterWhenChunkedOpaqueBodyThenCountedAsReadAndCutPastTheLimit() throws Exception {
        WafStage filter = WafStage.create(config(WafConfig.Mode.BLOCK, 10, 16 * 1024, List.of()));
        HttpServletRequest request = onRoute(
                post("/api/upload", "application/octet-stream", new byte[25], "Transfer-Encoding", "chunked"), OCTETS);
        ServletRequest[] passed = run(filter, request, new FakeServletRequests.Recorder());
        assertTrue(passed[0] != null, "the length is unknown: the body streams, counted");
        java.io.InputStream in = passed[0].getInputStream();
        byte[] buffer = new byte[4];
        int total = 0;
        BodyTooLargeException cut = null;
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
            }
        } catch (BodyTooLargeException e) {
            cut = e;
        }
        assertTrue(cut != null, "a 25-byte body passed a 10-byte limit");
        assertTrue(total <= 10, "bytes past the limit were handed out: " + total);
        assertEquals(10, cut.limit());
    }

    @Test
    void doFilterWhenRouteMaxBodyIsLargerThenItReplacesTheWafLimit() throws Exception {
        WafStage filter = WafStage.create(config(WafConfig.Mode.BLOCK, 10, 16 * 1024, List.of()));
        RouteConfig.Bodies larger = new RouteConfig.Bodies(OptionalLong.of(100), List.of());
        byte[] json = ("{\"a\":\"" + "b".repeat(40) + "\"}").getBytes(StandardCharsets.UTF_8);
        assertTrue(run(
                        filter,
                        onRoute(post("/api/x", "application/json", json), larger),
                        new FakeServletRequests.Recorder())[0]
                != null);
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        assertNull(run(filter, post("/api/x", "application/json", json), recorder)[0]);
        assertEquals(413, recorder.status);
    }

    @Test
    void doFilterWhenMediaTypeNotAllowedThenAnswers415AndReadsNothing() throws Exception {
        for (String type : List.of(
                "application/x-json",
                "application/x-foo",
                "application/octet-stream",
                "application/json, text/plain",
                "json",
                "multipart/mixed; boundary=x")) {
            FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
            WafStage filter = WafStage.create(config());
            HttpServletRequest request =
                    post("/api/x", type, "{\"q\":\"1' OR '1'='1\"}".getBytes(StandardCharsets.UTF_8));
            assertNull(run(filter, request, recorder)[0], type);
            assertEquals(415, recorder.status, type);
            assertTrue(recorder.body().contains("unsupported-media-type"), type);
        }
    }

    @Test
    void doFilterWhenDefaultMediaTypesThenTheyPass() throws Exception {
        for (String type : List.of(
                "application/json",
                "application/problem+json; charset=utf-8",
                "application/x-www-form-urlencoded",
                "application/xml",
                "text/xml",
                "application/atom+xml",
                "text/plain",
                "TEXT/CSV",
                "multipart/form-data; boundary=b")) {
            byte[] body = type.startsWith("multipart")
                    ? "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nx\r\n--b--\r\n"
                            .getBytes(StandardCharsets.UTF_8)
                    : "a=b".getBytes(StandardCharsets.UTF_8);
            if (type.contains("json")) {
                body = "{\"a\":\"b\"}".getBytes(StandardCharsets.UTF_8);
            } else if (type.contains("xml")) {
                body = "<a>b</a>".getBytes(StandardCharsets.UTF_8);
            }
            assertTrue(
                    run(WafStage.create(config()), post("/api/x", type, body), new FakeServletRequests.Recorder())[0]
                            != null,
                    type);
        }
    }

    @Test
    void doFilterWhenNoBodyThenAnyContentTypeIsIgnored() throws Exception {
        assertTrue(run(
                        WafStage.create(config()),
                        post("/api/x", "application/x-foo", new byte[0]),
                        new FakeServletRequests.Recorder())[0]
                != null);
    }

    @Test
    void doFilterWhenTwoContentTypeHeadersThenAnswers400() throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        HttpServletRequest request = post(
                "/api/x",
                "application/x-foo",
                "{\"a\":\"<script>\"}".getBytes(StandardCharsets.UTF_8),
                "Content-Type",
                "application/json");
        assertNull(run(WafStage.create(config()), request, recorder)[0]);
        assertEquals(400, recorder.status);
        assertTrue(recorder.body().contains("bad-request"));
    }

    @Test
    void doFilterWhenInspectedBodyIsCompressedThenAnswers415() throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        HttpServletRequest request =
                post("/api/x", "application/json", new byte[] {0x1f, (byte) 0x8b, 8, 0}, "Content-Encoding", "gzip");
        assertNull(run(WafStage.create(config()), request, recorder)[0]);
        assertEquals(415, recorder.status);
    }

    @Test
    void doFilterWhenASecondContentEncodingLineCompressesTheInspectedBodyThenAnswers415() throws Exception {
        // The upstream receives both lines ("identity, gzip"); one that inflates request bodies (Jetty's
        // GzipHandler, for one) would read a body the WAF never saw. In detect mode (or with the header rule
        // excluded) only the 415 check stands between them.
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        HttpServletRequest request = post(
                "/api/x",
                "application/json",
                "{}".getBytes(StandardCharsets.UTF_8),
                "Content-Encoding",
                "identity",
                "Content-Encoding",
                "gzip");
        WafStage detecting = WafStage.create(config(WafConfig.Mode.DETECT, 1024 * 1024, 16 * 1024, List.of()));
        assertNull(run(detecting, request, recorder)[0]);
        assertEquals(415, recorder.status);
    }

    @Test
    void doFilterWhenContentEncodingIsIdentityInAnySpellingThenTheBodyPasses() throws Exception {
        byte[] body = "{\"name\":\"Zoë\"}".getBytes(StandardCharsets.UTF_8);
        for (String[] encodings : List.of(
                new String[] {"identity"}, new String[] {" IDENTITY "}, new String[] {"identity", "Identity"})) {
            List<String> headers = new ArrayList<>();
            for (String encoding : encodings) {
                headers.add("Content-Encoding");
                headers.add(encoding);
            }
            ServletRequest[] passed = run(
                    WafStage.create(config()),
                    post("/api/x", "application/json", body, headers.toArray(String[]::new)),
                    new FakeServletRequests.Recorder());
            assertTrue(passed[0] != null, String.join(" | ", encodings));
        }
    }

    @Test
    void doFilterWhenMultipartBoundaryIsAmbiguousThenTheTextOutsideTheInspectedPartsIsInspected() throws Exception {
        // Readers disagree on which boundary a header names: Commons FileUpload and Jetty take the last
        // "boundary" parameter, PHP the first text "boundary" anywhere in the header (xboundary= included). The
        // part the WAF's boundary leaves in the preamble or epilogue is the one another reader sees.
        String attack = "--B\r\nContent-Disposition: form-data; name=\"q\"\r\n\r\n"
                + "<script>alert(document.cookie)</script>\r\n--B--\r\n";
        String benign = "--A\r\nContent-Disposition: form-data; name=\"ok\"\r\n\r\nfine\r\n--A--\r\n";
        for (String type : List.of(
                "multipart/form-data; boundary=A; boundary=B",
                "multipart/form-data; boundary=B; boundary=A",
                "multipart/form-data; xboundary=B; boundary=A",
                "multipart/form-data; boundary=A")) {
            for (String body : List.of(attack + benign, benign + attack)) {
                FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
                assertNull(
                        run(
                                WafStage.create(config()),
                                post("/api/x", type, body.getBytes(StandardCharsets.UTF_8)),
                                recorder)[0],
                        type);
                assertEquals(403, recorder.status, type);
            }
        }
    }

    @Test
    void doFilterWhenMultipartHasOnlyWhitespaceAroundItsPartsThenItPasses() throws Exception {
        String body = "\r\n--A\r\nContent-Disposition: form-data; name=\"ok\"\r\n\r\nfine\r\n--A--\r\n\r\n";
        ServletRequest[] passed = run(
                WafStage.create(config()),
                post("/api/x", "multipart/form-data; boundary=A", body.getBytes(StandardCharsets.UTF_8)),
                new FakeServletRequests.Recorder());
        assertTrue(passed[0] != null);
    }

    @Test
    void doFilterWhenExpectContinueAnnouncesAnOversizedBodyThen413WithoutReadingIt() throws Exception {
        // Reading the body makes the container send "100 Continue", inviting the client to upload what the
        // gateway is about to refuse; a client that waits for the answer instead would hold a thread until
        // the read times out.
        byte[] body = new byte[4096];
        HttpServletRequest request = post("/api/x", "application/json", body, "Expect", "100-continue");
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        WafStage filter = WafStage.create(config(WafConfig.Mode.BLOCK, 1024, 16 * 1024, List.of()));

        assertNull(run(filter, request, recorder)[0]);
        assertEquals(413, recorder.status);
        assertEquals(body.length, request.getInputStream().available(), "the body was read");
        assertEquals("close", recorder.headers.get("connection"));
    }

    @Test
    void doFilterWhenBodyCharsetIsOneTheWafDoesNotReadLikeTheUpstreamThenBlocks() throws Exception {
        // EBCDIC and UTF-16/32 bodies: ASP.NET and others decode by the declared charset, where an attack reads as
        // plain text to them and as noise to a byte-oriented inspection.
        byte[] body = "q=1".getBytes(StandardCharsets.ISO_8859_1);
        for (String type : List.of(
                "application/x-www-form-urlencoded; charset=ibm037",
                "application/x-www-form-urlencoded; charset=\"IBM500\"",
                "application/json; charset=utf-16",
                "text/plain; charset=utf-32le",
                "application/json; charset=utf-8; charset=ibm037",
                "application/json;charset=cp875")) {
            FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
            assertNull(run(WafStage.create(config()), post("/api/x", type, body), recorder)[0], type);
            assertEquals(403, recorder.status, type);
        }
    }

    @Test
    void doFilterWhenMultipartPartIsBase64ThenTheDecodedValueIsInspected() throws Exception {
        String encoded = java.util.Base64.getMimeEncoder()
                .encodeToString("<script>alert(document.cookie)</script>".getBytes(StandardCharsets.UTF_8));
        byte[] body =
                ("--b\r\nContent-Disposition: form-data; name=\"comment\"\r\nContent-Transfer-Encoding: BASE64\r\n\r\n"
                                + encoded + "\r\n--b--\r\n")
                        .getBytes(StandardCharsets.UTF_8);
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        assertNull(
                run(WafStage.create(config()), post("/api/x", "multipart/form-data; boundary=b", body), recorder)[0]);
        assertEquals(403, recorder.status);
    }

    @Test
    void doFilterWhenModeIsDetectThenAttackPasses() throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        WafStage filter = WafStage.create(config(WafConfig.Mode.DETECT, 1024, 16 * 1024, List.of()));
        assertTrue(run(filter, get("/api/x?q=%3Cscript%3Ealert(1)%3C/script%3E"), recorder)[0] != null);
        assertEquals(200, recorder.status);
    }

    @Test
    void doFilterWhenModeIsOffThenEvenDisallowedMethodsPass() throws Exception {
        WafStage filter = WafStage.create(config(WafConfig.Mode.OFF, 1024, 16 * 1024, List.of()));
        HttpServletRequest request =
                FakeServletRequests.request("TRACE", "/api/x?q=%3Cscript%3E", List.of(), new byte[0]);
        assertTrue(run(filter, request, new FakeServletRequests.Recorder())[0] != null);
    }

    @Test
    void doFilterWhenFamilyIsExcludedUnderThePrefixThenItPassesThereOnly() throws Exception {
        WafStage filter = WafStage.create(config(
                WafConfig.Mode.BLOCK, 1024, 16 * 1024, List.of(new WafConfig.Exclusion("/api/cms", List.of("xss")))));
        String attack = "?html=%3Cscript%3Ealert(1)%3C/script%3E";
        assertTrue(run(filter, get("/api/cms/pages" + attack), new FakeServletRequests.Recorder())[0] != null);
        assertNull(run(filter, get("/api/cmsx" + attack), new FakeServletRequests.Recorder())[0]);
        assertNull(run(filter, get("/api/other" + attack), new FakeServletRequests.Recorder())[0]);
    }

    @Test
    void doFilterWhenRulesMatchThenPerRuleAndPerRouteCountersCountTheOutcome() throws Exception {
        io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        WafStage detecting = WafStage.create(config(WafConfig.Mode.DETECT, 1024, 16 * 1024, List.of()), meters);
        WafStage blocking = WafStage.create(config(), meters);
        HttpServletRequest attack = get("/api/x?q=%3Cscript%3Ealert(1)%3C/script%3E");
        RequestAttributes.ROUTE.set(attack, Route.endpoint("orders", "/api/x", (req, res) -> {}));
        assertTrue(run(detecting, attack, new FakeServletRequests.Recorder())[0] != null);
        assertNull(run(blocking, get("/api/x?q=%3Cscript%3Ealert(1)%3C/script%3E"), new FakeServletRequests.Recorder())[
                0]);
        run(blocking, get("/api/x?q=hello"), new FakeServletRequests.Recorder());
        assertEquals(
                1.0,
                meters.get("portcullis.waf.requests")
                        .tags("route", "orders", "outcome", "detected")
                        .counter()
                        .count());
        assertEquals(
                1.0,
                meters.get("portcullis.waf.requests")
                        .tags("route", "test", "outcome", "blocked")
                        .counter()
                        .count());
        assertEquals(
                1.0,
                meters.get("portcullis.waf.rule.matches")
                        .tags("rule", "941001", "family", "xss", "route", "orders", "outcome", "detected")
                        .counter()
                        .count());
        assertEquals(2, meters.find("portcullis.waf.requests").counters().size(), "a clean request is not counted");
    }

    @Test
    void doFilterWhenRuleIdIsExcludedThenThatRuleAloneIsOff() throws Exception {
        WafStage filter = WafStage.create(config(
                WafConfig.Mode.BLOCK, 1024, 16 * 1024, List.of(new WafConfig.Exclusion("/", List.of("941140")))));
        assertTrue(
                run(filter, get("/api/x?css=a%7B-moz-binding:none%7D"), new FakeServletRequests.Recorder())[0] != null);
        assertNull(run(filter, get("/api/x?q=javascript:alert(1)"), new FakeServletRequests.Recorder())[0]);
    }

    @Test
    void doFilterWhenAnotherEndpointIsRequestedWithAnAttackThenBlocked() throws Exception {
        HttpServletRequest request = get("/auth/login?x=%3Cscript%3Ealert(1)%3C/script%3E");
        RequestAttributes.ROUTE.set(request, Route.endpoint("auth", "/auth", (req, res) -> {}));
        assertNull(run(WafStage.create(config()), request, new FakeServletRequests.Recorder())[0]);
    }

    @Test
    void doFilterWhenNoRouteWasResolvedThenMissingAttribute() {
        HttpServletRequest request = get("/api/x");
        assertThrows(
                MissingAttributeException.class,
                () -> WafStage.create(config())
                        .handle(
                                request,
                                new FakeServletRequests.Recorder().response,
                                (req, res) -> fail("the chain went on")));
    }

    @Test
    void doFilterWhenHealthIsRequestedWithAnAttackThenItStillPasses() throws Exception {
        HttpServletRequest request = get("/health?x=%3Cscript%3Ealert(1)%3C/script%3E");
        RequestAttributes.ROUTE.set(request, Route.endpoint("health", "/health", (req, res) -> {}));
        assertTrue(run(WafStage.create(config()), request, new FakeServletRequests.Recorder())[0] != null);
    }
}
