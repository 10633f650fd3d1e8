package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * The prefilter in front of the rules: a rule runs only on values containing what it needs, in whatever
 * normalised form it matches, and it never turns away a value the rule matches.
 */
class RulePrefilterTest {

    /** The grammar detectors do not go through the prefilter; these tests look at the rules alone. */
    private static final java.util.Set<GrammarDetector> NO_DETECTORS = java.util.EnumSet.noneOf(GrammarDetector.class);

    /** A rule whose matcher counts its calls, with the query the loader would derive. */
    private static Rule counting(String regex, Transform transform, AtomicInteger calls) {
        Predicate<String> real = Operator.REGEX.compile(List.of(regex), false);
        return new Rule(
                990001,
                "custom",
                1,
                5,
                List.of(new TargetSpec(TargetKind.ARGS, java.util.Optional.empty())),
                transform,
                value -> {
                    calls.incrementAndGet();
                    return real.test(value);
                },
                Operator.REGEX.required(List.of(regex)),
                "test rule");
    }

    private static Verdict inspect(Rule rule, String query) {
        RequestInspector inspector =
                new RequestInspector(List.of(rule), 1, Severity.INBOUND_THRESHOLD, List.of(), NO_DETECTORS);
        return inspector.inspect(new WafRequest("GET", "/x", query, List.of(), null, 0), "/x");
    }

    @Test
    void inspectWhenNoValueHoldsTheRuleLiteralThenTheRuleIsNeverEvaluated() {
        AtomicInteger calls = new AtomicInteger();
        Rule rule = counting("\\bunion\\s+select\\b", Transform.SQL, calls);
        Verdict verdict = inspect(rule, "q=wool+socks&size=42&note=please+select+a+union+jack");
        assertEquals(0, calls.get(), "the rule ran although no value holds 'union select'");
        assertTrue(verdict.matches().isEmpty());
    }

    @Test
    void inspectWhenLiteralAppearsOnlyInTheSqlFormThenTheRuleIsEvaluatedAndMatches() {
        AtomicInteger calls = new AtomicInteger();
        Rule rule = counting("\\bunion\\s+select\\b", Transform.SQL, calls);
        // raw and text forms read "union/**/select"; only the SQL form, without comments, reads "union select"
        Verdict verdict = inspect(rule, "q=1+UNION%2F**%2FSELECT+password");
        assertEquals(1, calls.get());
        assertEquals(
                List.of(990001),
                verdict.matches().stream().map(RuleMatch::ruleId).toList());
    }

    @Test
    void inspectWhenLiteralAppearsOnlyAfterDecodingThenTheRuleIsEvaluatedAndMatches() {
        AtomicInteger calls = new AtomicInteger();
        Rule rule = counting("<script\\b", Transform.TEXT, calls);
        // twice URL-encoded and in capitals: the literal exists only in the decoded, lower-cased text form
        Verdict verdict = inspect(rule, "q=%253CSCRIPT%253Ealert(1)");
        assertEquals(1, calls.get());
        assertEquals(1, verdict.matches().size());
    }

    @Test
    void inspectWhenRuleIsAnchoredAtTheStartThenOnlyAValueStartingWithItRunsTheRule() {
        AtomicInteger calls = new AtomicInteger();
        Rule rule = counting("^\\s*(?:cat|ls|id)\\s*$", Transform.TEXT, calls);
        assertTrue(inspect(rule, "a=the+cat+sat&b=ls+-la&c=idle").matches().isEmpty());
        assertEquals(0, calls.get(), "no value is a command name alone");
        assertEquals(1, inspect(rule, "a=+%09cat%0A").matches().size());
        assertEquals(1, calls.get());
    }

    /** Every corpus request, as the WAF filter would describe it. */
    private static List<WafRequest> corpus() {
        List<WafRequest> requests = new ArrayList<>();
        for (String resource : List.of("/waf/crs-dev.jsonl", "/waf/benign.jsonl")) {
            for (CorpusRequest spec : CorpusRequest.load(resource)) {
                List<Map.Entry<String, String>> headers = new ArrayList<>(spec.headers());
                byte[] body = spec.body();
                requests.add(new WafRequest(
                        spec.method(),
                        spec.path(),
                        spec.query(),
                        headers,
                        body.length == 0 ? null : body,
                        body.length));
            }
        }
        return requests;
    }

    /** The same rules without their queries: every rule runs on every value it inspects. */
    private static List<Rule> unfiltered(List<Rule> rules) {
        List<Rule> copies = new ArrayList<>();
        for (Rule r : rules) {
            copies.add(new Rule(
                    r.id(),
                    r.family(),
                    r.paranoia(),
                    r.score(),
                    r.targets(),
                    r.transform(),
                    r.matcher(),
                    LiteralQuery.ALL,
                    r.message()));
        }
        return copies;
    }

    @Test
    // every rule on every value of 2,700 requests, twice: minutes on a loaded two-core machine
    @org.junit.jupiter.api.Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
    void inspectWhenEveryCorpusRequestIsCheckedThenPrefilteredAndUnfilteredVerdictsAreIdentical() {
        List<Rule> rules = WafRules.builtIn();
        for (int paranoia : new int[] {1, 4}) {
            RequestInspector filtered =
                    new RequestInspector(rules, paranoia, Severity.INBOUND_THRESHOLD, List.of(), NO_DETECTORS);
            RequestInspector plain = new RequestInspector(
                    unfiltered(rules), paranoia, Severity.INBOUND_THRESHOLD, List.of(), NO_DETECTORS);
            List<WafRequest> requests = corpus();
            assertTrue(requests.size() > 2000, "corpus size " + requests.size());
            for (WafRequest request : requests) {
                Verdict expected = plain.inspect(request, request.rawPath());
                Verdict actual = filtered.inspect(request, request.rawPath());
                assertEquals(
                        expected.matches(),
                        actual.matches(),
                        () -> "PL" + paranoia + " " + request.method() + " " + request.rawPath() + "?"
                                + request.query());
            }
        }
    }

    @Test
    void admitsWhenAnyRuleMatchesAnyCorpusValueInItsFormThenItsQueryAndThePrefilterAdmitIt() {
        // stronger than equal verdicts: every single (rule, value) match, not only the first per request
        List<Rule> rules = WafRules.builtIn();
        RulePrefilter prefilter = new RulePrefilter(rules);
        TargetExtractor extractor = new TargetExtractor();
        TargetForms forms = new TargetForms(prefilter);
        int matches = 0;
        for (WafRequest request : corpus()) {
            for (Target target : extractor.extract(request).targets()) {
                forms.reset(target.value());
                for (int i = 0; i < rules.size(); i++) {
                    Rule rule = rules.get(i);
                    String form = forms.form(rule.transform());
                    if (form == null
                            || !rule.inspects(target)
                            || !rule.matcher().test(form)) {
                        continue;
                    }
                    matches++;
                    String where = rule.id() + " on " + target.label() + " = " + form;
                    assertTrue(rule.required().admits(form), where);
                    assertTrue(prefilter.admits(i, forms.hits(rule.transform())), where);
                }
            }
        }
        assertTrue(matches > 2000, "only " + matches + " rule matches in the corpus");
    }

    @Test
    void scanWhenValueHasOddWhiteSpaceAndCaseThenLiteralsAreStillFound() {
        Rule rule = new Rule(
                990002,
                "custom",
                1,
                5,
                List.of(new TargetSpec(TargetKind.ARGS, java.util.Optional.empty())),
                Transform.NONE,
                Operator.REGEX.compile(List.of("union\\s+select"), true),
                Operator.REGEX.required(List.of("union\\s+select")),
                "test rule");
        RulePrefilter prefilter = new RulePrefilter(List.of(rule));
        for (String value :
                List.of("UNION\t \r\nSELECT", "  union select", "x uNiOn  SeLeCt y ", "\u0130 union\fselect")) {
            assertTrue(rule.matcher().test(value), value);
            assertTrue(prefilter.admits(0, prefilter.scan(value)), value);
        }
        assertTrue(!prefilter.admits(0, prefilter.scan("unionselect and union all")));
        assertTrue(!prefilter.admits(0, prefilter.scan(new String(new byte[] {'u', 'n'}, StandardCharsets.US_ASCII))));
    }
}
