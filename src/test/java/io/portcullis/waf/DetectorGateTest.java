package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The cheap gate in front of the grammar detectors: values that cannot hold an injection are answered without
 * tokenizing them, and the gate never changes what a detector finds.
 */
class DetectorGateTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "navy",
                "42",
                "-rating",
                "0f9c2d1e-7b1a-4c55-9e0f-3a6b8d2c4e71",
                "2024-11-02",
                "inv-2024-118733",
                "tok_1nv8xklmp4qr2st6uv9wy0za",
                "3.14",
                "+353 1 555 0142",
                "c_81f3a9",
                "jane@example.com",
                "a/b/c.json"
            })
    void gatesWhenTheValueIsAnIdNumberOrTokenThenNoDetectorRuns(String value) {
        for (GrammarDetector detector : GrammarDetector.values()) {
            if (detector == GrammarDetector.SHELL && value.indexOf(' ') >= 0) {
                continue;
            }
            assertFalse(detector.mayDetect(value), detector + " would run on " + value);
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"wool socks", "blue t-shirt medium", "men size 42", "parcel marked delivered but never came"})
    void sqlGateWhenWordsHoldNoSqlWordOrQuoteThenTheSqlDetectorDoesNotRun(String value) {
        assertFalse(DetectorGate.sql(value), value);
        assertFalse(DetectorGate.html(value), value);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1 or 2 and 3",
                "x union select",
                "select from x select",
                "a and b-c",
                "1;drop",
                "x'",
                "1#",
                "1--",
                "1/*x*/",
                "1&&2",
                "UNION",
                "InFoRmAtIoN_ScHeMa"
            })
    void sqlGateWhenAnyShapeIsPossibleThenTheSqlDetectorRuns(String value) {
        assertTrue(DetectorGate.sql(value), value);
    }

    @Test
    void sqlGateWhenLettersOnlyValuesReachTheDetectorThenTheyAreTheOnesItCanFlag() {
        // the shapes that need no punctuation at all still pass the gate and are found
        for (String value : List.of("1 or 2 and 3", "x union select", "select from x select")) {
            assertTrue(DetectorGate.sql(value), value);
            assertTrue(SqlInjectionDetector.detect(value), value);
        }
    }

    @Test
    void isSqlWordWhenEveryKnownWordThenWithinTheLengthTheGateLooksUpTo() {
        for (String word : List.of("information_schema", "geometrycollection", "sqlite_version", "or", "by")) {
            assertTrue(SqlInjectionDetector.isSqlWord(word), word);
            assertTrue(word.length() <= SqlInjectionDetector.LONGEST_SQL_WORD, word);
        }
        assertFalse(SqlInjectionDetector.isSqlWord("socks"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"<b>", "javascript:alert(1)", "\" onmouseover=x", "'x", "`x"})
    void htmlGateWhenTagUrlOrQuoteThenTheHtmlDetectorRuns(String value) {
        assertTrue(DetectorGate.html(value), value);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "x;id",
                "a|b",
                "a&b",
                "$(id)",
                "${ifs}",
                "`id`",
                "<(id)",
                ">x",
                "sh -c id",
                "a\tb",
                "a\nb",
                "a\u000bb"
            })
    void shellGateWhenSeparatorSubstitutionOrBlankThenTheShellDetectorRuns(String value) {
        assertTrue(DetectorGate.shell(value), value);
    }

    @Test
    void detectWhenGateSaysNoThenTheDetectorsFormIsNotBuilt() {
        TargetForms forms = new TargetForms(new RulePrefilter(List.of()));
        forms.reset("ORD-2024-118733");
        assertFalse(GrammarDetector.SHELL.detect(forms, TextContext.Kind.BARE));
        // the cmd form was never asked for: the text form is the only one built
        assertTrue(
                builtForms(forms).equals(EnumSet.of(Transform.TEXT)),
                builtForms(forms).toString());
    }

    private static EnumSet<Transform> builtForms(TargetForms forms) {
        EnumSet<Transform> built = EnumSet.noneOf(Transform.class);
        for (Transform transform : Transform.values()) {
            if (forms.isBuilt(transform)) {
                built.add(transform);
            }
        }
        return built;
    }

    /** Every request of every corpus: the CRS cases (both halves), the hand-written and the generated benign ones. */
    private static List<WafRequest> corpus() {
        List<WafRequest> requests = new ArrayList<>();
        for (String resource : List.of("/waf/crs-dev.jsonl", "/waf/benign.jsonl", "/waf/benign-generated.jsonl")) {
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

    @Test
    void detectWhenEveryCorpusValueIsJudgedWithAndWithoutTheGateThenEveryAnswerIsTheSame() {
        // per value, per detector, in each of the three readings (bare, text, prose): stronger than equal verdicts
        TargetExtractor extractor = new TargetExtractor();
        TargetForms forms = new TargetForms(new RulePrefilter(List.of()));
        int values = 0;
        int hits = 0;
        int skipped = 0;
        for (WafRequest request : corpus()) {
            for (Target target : extractor.extract(request).targets()) {
                values++;
                for (GrammarDetector detector : GrammarDetector.values()) {
                    for (TextContext.Kind kind : TextContext.Kind.values()) {
                        forms.reset(target.value());
                        boolean ungated = detector.detect(forms, kind, false);
                        forms.reset(target.value());
                        boolean gated = detector.detect(forms, kind, true);
                        assertEquals(
                                ungated,
                                gated,
                                () -> detector + " " + kind + " on " + target.label() + " = " + target.value());
                        hits += ungated ? 1 : 0;
                        skipped += detector.mayDetect(forms.form(Transform.TEXT)) ? 0 : 1;
                    }
                }
            }
        }
        assertTrue(values > 20_000, "only " + values + " values");
        assertTrue(hits > 1_000, "only " + hits + " detector hits: the comparison would prove little");
        assertTrue(skipped > values, "the gate skipped only " + skipped + " of " + values * 9 + " judgements");
    }

    @Test
    void inspectWhenEveryCorpusRequestIsInspectedWithAndWithoutTheGateThenTheVerdictsAreIdentical() {
        List<Rule> rules = WafRules.builtIn();
        Set<GrammarDetector> all = EnumSet.allOf(GrammarDetector.class);
        RequestInspector gated = new RequestInspector(rules, 1, Severity.INBOUND_THRESHOLD, List.of(), all, true);
        RequestInspector ungated = new RequestInspector(rules, 1, Severity.INBOUND_THRESHOLD, List.of(), all, false);
        for (WafRequest request : corpus()) {
            Verdict expected = ungated.inspect(request, request.rawPath());
            Verdict actual = gated.inspect(request, request.rawPath());
            assertEquals(
                    expected.matches(),
                    actual.matches(),
                    () -> request.method() + " " + request.rawPath() + "?" + request.query());
        }
    }
}
