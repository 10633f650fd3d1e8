package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReportTest {

    @Test
    void summariseWhenTheLogHoldsWafAndAccessLinesThenRulesAndRoutesAreCounted() {
        List<String> log = List.of(
                "2026-12-03T10:00:00Z INFO  [WafStage] WAF detected (not blocked) request r1: score 5 rules 941001"
                        + " matches [941001@JSON:page.html]",
                "2026-12-03T10:00:00Z INFO  [access] POST /api/cms/pages 200 3ms request_id=\"r1\" method=\"POST\""
                        + " path=\"/api/cms/pages\" status=\"200\" route=\"cms\"",
                "2026-12-03T10:00:01Z INFO  [WafStage] WAF blocked request r2: score 10 rules 942100,942001"
                        + " matches [942100@ARGS:q (prose), 942001@ARGS:q]",
                "2026-12-03T10:00:01Z INFO  [access] GET /api/search 403 2ms request_id=\"r2\" method=\"GET\""
                        + " path=\"/api/search\" status=\"403\" route=\"search\"",
                "2026-12-03T10:00:02Z INFO  [WafStage] WAF detected (not blocked) request r3: score 5 rules 941001"
                        + " matches [941001@JSON:page.html]",
                "2026-12-03T10:00:02Z INFO  [access] POST /api/cms/pages 200 3ms request_id=\"r3\" route=\"cms\"",
                "an unrelated line");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Report.summarise(log, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.startsWith("3 requests over the threshold"), out);
        assertTrue(out.matches("(?s).*cms\\s+0 /\\s+2\\s+\\{941001=2}.*"), out);
        assertTrue(out.matches("(?s).*search\\s+1 /\\s+0\\s+\\{942001=1, 942100=1}.*"), out);
        assertTrue(out.matches("(?s).*941001\\s+0 /\\s+2\\s+\\{cms JSON:page.html=2}.*"), out);
        assertTrue(out.matches("(?s).*942100\\s+1 /\\s+0\\s+\\{search ARGS:q=1}.*"), out);
    }
}
