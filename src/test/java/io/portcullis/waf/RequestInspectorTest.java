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
    private static final RequestInspector PL1 = new RequestInspector(WafRules.builtIn(), 1, Severity.INBOUND_THRESHOLD, List.of());

    private static WafRequest get(String query) {
        return new WafRequest("GET", "/api/x", query, List.of(Map.entry("User-Agent", "t/1"), Map.entry("Accept", "*/*")),
                null, 0);
    }

    private static WafRequest body(String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new WafRequest("POST", "/api/x", null, List.of(Map.entry("User-Agent", "t/1"),
                Map.entry("Content-Type", contentType)), bytes, bytes.length);
    }

    @Test
    void inspectWhenOneWeakSignalThenScoreStaysBelowThreshold() {
        Verdict verdict = PL1.inspect(get("path=..%2Fimages%2Flogo.png"), "/api/x");
        assertEquals(2, verdict.score(), verdict.matches().toString());
        assertFalse(verdict.isAttack());
    }

    @Test
    void inspectWhenProseHasApostrophesAndSqlWordsThenNothingMatches() {
        Verdict verdict = PL1.inspect(body("application/json",
                "{\"name\":\"Seán O'Brien\",\"note\":\"Please select a date from the calendar; I'll drop by and update the order.\"}"),
                "/api/x");
        assertEquals(0, verdict.score(), verdict.matches().toString());
    }

    @Test
    void inspectWhenAttackIsFoundThenMatchNamesRuleAndTarget() {
        Verdict verdict = PL1.inspect(body("application/json", "{\"user\":{\"name\":\"x' UNION SELECT password FROM users--\"}}"),
                "/api/x");
        assertTrue(verdict.isAttack());
        assertTrue(verdict.matches().stream().anyMatch(m -> m.family().equals("sqli") && m.target().equals("JSON:user.name")),
                verdict.matches().toString());
    }

    @Test
    void inspectWhenRuleIsAboveParanoiaLevelThenItDoesNotRun() {
        RequestInspector pl2 = new RequestInspector(WafRules.builtIn(), 2, Severity.INBOUND_THRESHOLD, List.of());
        WafRequest request = new WafRequest("GET", "/", null, List.of(Map.entry("User-Agent", "python-requests/2.31")), null, 0);
        assertTrue(pl2.inspect(request, "/").matches().stream().anyMatch(m -> m.ruleId() == 913110));
        assertTrue(PL1.inspect(request, "/").matches().isEmpty());
    }

    @Test
    void inspectWhenRuleIdIsExcludedForThePrefixThenItDoesNotCount() {
        RequestInspector excluding = new RequestInspector(WafRules.builtIn(), 1, Severity.INBOUND_THRESHOLD,
                List.of(new WafConfig.Exclusion("/api/search", List.of("942100", "942190", "942101", "942360", "942270"))));
        WafRequest request = get("q=x%27+union+select+1,2");
        assertFalse(excluding.inspect(request, "/api/search").isAttack());
        assertTrue(excluding.inspect(request, "/api/other").isAttack());
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
            assertTrue(ratio < 4.0, String.format("%s: hostile %d ms vs ordinary %d ms (ratio %.2f)", type,
                    badNanos / 1_000_000, goodNanos / 1_000_000, ratio));
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
