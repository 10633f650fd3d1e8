package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TargetExtractorTest {
    private final TargetExtractor extractor = new TargetExtractor();

    private TargetExtractor.Extraction post(String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return extractor.extract(new WafRequest(
                "POST", "/api/x", null, List.of(Map.entry("Content-Type", contentType)), bytes, bytes.length));
    }

    private static List<String> labels(TargetExtractor.Extraction extraction, TargetKind kind) {
        return extraction.targets().stream()
                .filter(t -> t.kind() == kind)
                .map(t -> t.label() + "=" + t.value())
                .toList();
    }

    @Test
    void extractWhenJsonIsNestedThenKeysAndStringValuesCarryTheirPath() {
        TargetExtractor.Extraction e =
                post("application/json", "{\"user\":{\"name\":\"Zoë\",\"tags\":[\"a\",{\"k\":\"v\"}],\"age\":3}}");
        assertEquals(
                List.of("JSON:user.name=Zoë", "JSON:user.tags[0]=a", "JSON:user.tags[1].k=v"),
                labels(e, TargetKind.ARGS));
        assertEquals(
                List.of(
                        "JSON_KEYS:user=user",
                        "JSON_KEYS:user.name=name",
                        "JSON_KEYS:user.tags=tags",
                        "JSON_KEYS:user.tags[1].k=k",
                        "JSON_KEYS:user.age=age"),
                labels(e, TargetKind.ARGS_NAMES));
    }

    @Test
    void extractWhenJsonIsTooDeepThenFlagsIt() {
        String deep = "[".repeat(TargetExtractor.MAX_JSON_DEPTH + 5) + "]".repeat(TargetExtractor.MAX_JSON_DEPTH + 5);
        assertTrue(post("application/json", deep).anomalies().containsKey(ProtocolRule.JSON_TOO_DEEP));
    }

    @Test
    void extractWhenJsonIsMalformedThenInspectsItAsText() {
        TargetExtractor.Extraction e = post("application/json", "{\"a\": 'not json'");
        assertTrue(e.anomalies().containsKey(ProtocolRule.BODY_UNPARSABLE));
        assertEquals(List.of("REQUEST_BODY={\"a\": 'not json'"), labels(e, TargetKind.BODY));
    }

    @Test
    void extractWhenFormThenNamesAndValuesAreDecodedOnce() {
        TargetExtractor.Extraction e = post("application/x-www-form-urlencoded", "q=a+b%2520c&flag");
        assertEquals(List.of("ARGS:q=a b%20c", "ARGS:flag=flag"), labels(e, TargetKind.ARGS));
    }

    @Test
    void extractWhenMultipartThenFieldsAreArgsAndFileNamesAreFiles() {
        String body = "--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHello\r\n"
                + "--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.php\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n"
                + "--XyZ--\r\n";
        TargetExtractor.Extraction e = post("multipart/form-data; boundary=XyZ", body);
        assertEquals(List.of("ARGS:title=Hello"), labels(e, TargetKind.ARGS));
        assertEquals(List.of("FILES:file=a.php"), labels(e, TargetKind.FILES));
    }

    @Test
    void extractWhenMultipartIsBrokenThenFlagsIt() {
        assertTrue(post("multipart/form-data; boundary=XyZ", "no parts here")
                .anomalies()
                .containsKey(ProtocolRule.MULTIPART_MALFORMED));
    }

    @Test
    void extractWhenHeadersThenCookiesAreSplitAndStructuredHeadersSkipped() {
        TargetExtractor.Extraction e = extractor.extract(new WafRequest(
                "GET",
                "/",
                null,
                List.of(
                        Map.entry("Cookie", "sid=abc; theme=dark"),
                        Map.entry("Authorization", "Bearer x.y.z"),
                        Map.entry("User-Agent", "ua/1")),
                null,
                0));
        assertEquals(List.of("REQUEST_COOKIES:sid=abc", "REQUEST_COOKIES:theme=dark"), labels(e, TargetKind.COOKIES));
        assertEquals(List.of("REQUEST_HEADERS:User-Agent=ua/1"), labels(e, TargetKind.HEADERS));
    }

    @Test
    void extractWhenValueIsLongThenItIsWindowedWithOverlap() {
        String value = "a".repeat(TargetExtractor.WINDOW * 2);
        List<Target> targets = post("text/plain", value).targets().stream()
                .filter(t -> t.kind() == TargetKind.BODY)
                .toList();
        assertEquals(3, targets.size());
        assertTrue(targets.stream().allMatch(t -> t.value().length() <= TargetExtractor.WINDOW));
    }

    @Test
    void extractWhenValueIsHugeThenOnlyItsFirstPartIsInspected() {
        String value = "a".repeat(TargetExtractor.MAX_SCAN * 4);
        int scanned = post("text/plain", value).targets().stream()
                .filter(t -> t.kind() == TargetKind.BODY)
                .mapToInt(t -> t.value().length())
                .sum();
        assertTrue(scanned < TargetExtractor.MAX_SCAN + 8 * TargetExtractor.OVERLAP, "scanned " + scanned);
    }

    @Test
    void extractWhenLabelHoldsControlCharactersThenTheyAreEscapedForTheLog() {
        TargetExtractor.Extraction e = extractor.extract(new WafRequest("GET", "/", "a%0D%0Ab=1", List.of(), null, 0));
        assertEquals(
                "ARGS:a??b",
                e.targets().stream()
                        .filter(t -> t.kind() == TargetKind.ARGS)
                        .findFirst()
                        .orElseThrow()
                        .label());
    }
}
