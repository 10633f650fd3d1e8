package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.config.WafConfig;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestInspectorTest {
    private static final RequestInspector PL1 =
            new RequestInspector(WafRules.builtIn(), 1, Severity.INBOUND_THRESHOLD, List.of());

    private static WafRequest get(String query) {
        return new WafRequest(
                "GET", "/api/x", query, List.of(Map.entry("User-Agent", "t/1"), Map.entry("Accept", "*/*")), null, 0);
    }

    private static WafRequest body(String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new WafRequest(
                "POST",
                "/api/x",
                null,
                List.of(Map.entry("User-Agent", "t/1"), Map.entry("Content-Type", contentType)),
                bytes,
                bytes.length);
    }

    @Test
    void inspectWhenOneWeakSignalThenScoreStaysBelowThreshold() {
        Verdict verdict = PL1.inspect(get("path=..%2Fimages%2Flogo.png"), "/api/x");
        assertEquals(2, verdict.score(), verdict.matches().toString());
        assertFalse(verdict.isAttack());
    }

    @Test
    void inspectWhenProseHasApostrophesAndSqlWordsThenNothingMatches() {
        Verdict verdict = PL1.inspect(
                body(
                        "application/json",
                        "{\"name\":\"Seán O'Brien\",\"note\":\"Please select a date from the calendar; I'll drop by and update the order.\"}"),
                "/api/x");
        assertEquals(0, verdict.score(), verdict.matches().toString());
    }

    @Test
    void inspectWhenAttackIsFoundThenMatchNamesRuleAndTarget() {
        Verdict verdict = PL1.inspect(
                body("application/json", "{\"user\":{\"name\":\"x' UNION SELECT password FROM users--\"}}"), "/api/x");
        assertTrue(verdict.isAttack());
        assertTrue(
                verdict.matches().stream()
                        .anyMatch(m -> m.family().equals("sqli") && m.target().equals("JSON:user.name")),
                verdict.matches().toString());
    }

    @Test
    void inspectWhenRuleIsAboveParanoiaLevelThenItDoesNotRun() {
        RequestInspector pl2 = new RequestInspector(WafRules.builtIn(), 2, Severity.INBOUND_THRESHOLD, List.of());
        WafRequest request =
                new WafRequest("GET", "/", null, List.of(Map.entry("User-Agent", "python-requests/2.31")), null, 0);
        assertTrue(pl2.inspect(request, "/").matches().stream().anyMatch(m -> m.ruleId() == 913110));
        assertTrue(PL1.inspect(request, "/").matches().isEmpty());
    }

    @Test
    void inspectWhenRuleIdIsExcludedForThePrefixThenItDoesNotCount() {
        RequestInspector excluding = new RequestInspector(
                WafRules.builtIn(),
                1,
                Severity.INBOUND_THRESHOLD,
                List.of(new WafConfig.Exclusion(
                        "/api/search", List.of("942100", "942190", "942101", "942360", "942270", "942001"))));
        WafRequest request = get("q=x%27+union+select+1,2");
        assertFalse(excluding.inspect(request, "/api/search").isAttack());
        assertTrue(excluding.inspect(request, "/api/other").isAttack());
    }

    @Test
    void inspectWhenExclusionNamesATargetThenOnlyThatValueIsExempt() {
        RequestInspector excluding = new RequestInspector(
                WafRules.builtIn(),
                1,
                Severity.INBOUND_THRESHOLD,
                List.of(
                        new WafConfig.Exclusion("/api/search", List.of("sqli"), List.of("arg:q")),
                        new WafConfig.Exclusion(
                                "/api/cms", List.of("xss"), List.of("json:$.page.html", "header:referer"))));
        assertFalse(
                excluding.inspect(get("q=x%27+union+select+1,2"), "/api/search").isAttack());
        assertTrue(excluding
                .inspect(get("other=x%27+union+select+1,2"), "/api/search")
                .isAttack());
        assertTrue(
                excluding.inspect(get("q=x%27+union+select+1,2"), "/api/other").isAttack());
        String html = "<script>alert(1)</script>";
        assertFalse(excluding
                .inspect(body("application/json", "{\"page\":{\"html\":\"" + html + "\"}}"), "/api/cms")
                .isAttack());
        assertTrue(excluding
                .inspect(body("application/json", "{\"page\":{\"title\":\"" + html + "\"}}"), "/api/cms")
                .isAttack());
        assertTrue(excluding
                .inspect(body("application/json", "{\"page\":{\"html\":\"" + html + "\"}}"), "/api/other")
                .isAttack());
    }

    @Test
    void inspectWhenSqlAndShellAreInsideMarkdownCodeThenTheCommentPassesButTheSameBareValueIsBlocked() {
        String markdown =
                "Thanks, I can reproduce it. The slow query is:\\n\\n```sql\\nSELECT name FROM customers UNION SELECT name"
                        + " FROM suppliers ORDER BY name;\\n```\\n\\nand I ran `cat /etc/hosts; grep -c ERROR app.log` to check.";
        Verdict comment = PL1.inspect(body("application/json", "{\"body\":\"" + markdown + "\"}"), "/api/x");
        assertFalse(comment.isAttack(), comment.matches().toString());
        assertTrue(PL1.inspect(get("id=1+UNION+SELECT+name+FROM+suppliers--"), "/api/x")
                .isAttack());
        assertTrue(PL1.inspect(get("host=x%3Bcat+%2Fetc%2Fhosts"), "/api/x").isAttack());
    }

    @Test
    void inspectWhenAttackIsPaddedWithProseThenTheGrammarDetectorStillBlocksIt() {
        Verdict verdict = PL1.inspect(
                body(
                        "application/json",
                        "{\"review\":\"Great product, would buy it again for my"
                                + " whole family <img src=x onerror=alert(document.cookie)> really\"}"),
                "/api/x");
        assertTrue(verdict.isAttack(), verdict.matches().toString());
        assertTrue(
                verdict.matches().stream().anyMatch(m -> m.ruleId() == 941001),
                verdict.matches().toString());
    }

    @Test
    void inspectWhenSearchTextHoldsAlertOrSqlWordsThenItPasses() {
        for (String q : List.of(
                "alert(+keeps+popping+up", "select+union+jacket", "O%27Reilly+SQL+pocket+guide", "wget+vs+curl")) {
            Verdict verdict = PL1.inspect(get("q=" + q), "/api/x");
            assertFalse(verdict.isAttack(), q + " " + verdict.matches());
        }
    }

    @Test
    void inspectWhenUrlIsAPlainLoopbackCallbackThenItPassesButObfuscatedLoopbackIsBlocked() {
        assertFalse(
                PL1.inspect(body("application/json", "{\"url\":\"http://localhost:3000/webhooks/stripe\"}"), "/api/x")
                        .isAttack());
        assertFalse(PL1.inspect(get("redirect_uri=http%3A%2F%2F127.0.0.1%3A5000%2Fcallback"), "/api/x")
                .isAttack());
        assertTrue(PL1.inspect(get("url=http%3A%2F%2F0x7f000001%2Fadmin"), "/api/x")
                .isAttack());
        assertTrue(PL1.inspect(get("url=gopher%3A%2F%2Flocalhost%3A6379%2F_info"), "/api/x")
                .isAttack());
        assertTrue(PL1.inspect(get("url=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F"), "/api/x")
                .isAttack());
    }

    @Test
    void inspectWhenBodyIsAMegabyteOfQuotesThenTimeStaysLinear() {
        // ReDoS: a hostile megabyte must cost about what an ordinary one does; compared as a ratio of the best of
        // several runs, so a loaded machine slows both sides alike
        String hostile = "'".repeat(1024 * 1024);
        StringBuilder ordinary = new StringBuilder(1024 * 1024);
        String sentence = "The quick brown fox jumps over the lazy dog while O'Brien reads the menu. ";
        while (ordinary.length() < 1024 * 1024) {
            ordinary.append(sentence);
        }
        ordinary.setLength(1024 * 1024);
        for (String type : new String[] {"text/plain", "application/x-www-form-urlencoded"}) {
            String prefix = type.startsWith("text") ? "" : "q=";
            WafRequest bad = body(type, prefix + hostile);
            WafRequest good = body(type, prefix + ordinary);
            long badNanos = best(bad);
            long goodNanos = best(good);
            double ratio = (double) badNanos / goodNanos;
            assertTrue(
                    ratio < 4.0,
                    String.format(
                            "%s: hostile %d ms vs ordinary %d ms (ratio %.2f)",
                            type, badNanos / 1_000_000, goodNanos / 1_000_000, ratio));
        }
    }

    private static long best(WafRequest request) {
        long best = Long.MAX_VALUE;
        for (int run = 0; run < 3; run++) {
            long start = System.nanoTime();
            PL1.inspect(request, "/api/x");
            best = Math.min(best, System.nanoTime() - start);
        }
        return best;
    }
}
