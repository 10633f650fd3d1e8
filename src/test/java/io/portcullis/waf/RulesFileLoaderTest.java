package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.config.ConfigException;
import io.portcullis.config.WafConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RulesFileLoaderTest {

    private static List<Rule> parse(String yaml) {
        return RulesFileLoader.parse("extra.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String problem(String yaml) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("extra.yaml"), e.getMessage());
        return e.problems().get(0);
    }

    @Test
    void parseWhenRuleIsCompleteThenBuildsIt() {
        List<Rule> rules = parse("""
                rules:
                  - id: 100001
                    family: custom
                    message: internal admin path
                    targets: [PATH, "HEADERS:X-Debug"]
                    transform: path
                    operator: contains
                    pattern: /internal/admin
                    score: warning
                    paranoia: 2
                """);
        Rule rule = rules.get(0);
        assertEquals(100001, rule.id());
        assertEquals(3, rule.score());
        assertEquals(2, rule.paranoia());
        assertEquals(Transform.PATH, rule.transform());
        assertTrue(rule.matcher().test("/api/internal/admin/users"));
        assertTrue(rule.inspects(new Target(TargetKind.HEADERS, "x-debug", "REQUEST_HEADERS:X-Debug", "1")));
    }

    @Test
    void parseWhenDefaultsAreGivenThenRulesInheritThem() {
        List<Rule> rules = parse("""
                defaults: { family: sqli, targets: [ARGS], score: notice }
                rules:
                  - { id: 100002, operator: words, patterns: [sleep, benchmark] }
                """);
        assertEquals("sqli", rules.get(0).family());
        assertEquals(2, rules.get(0).score());
        assertTrue(rules.get(0).matcher().test("x sleep y"));
        assertTrue(!rules.get(0).matcher().test("asleep"));
    }

    @Test
    void parseWhenRegexIsInvalidThenNamesThePatternKey() {
        assertTrue(problem("rules: [ { id: 100003, targets: [ARGS], pattern: 'a(b' } ]")
                .startsWith("rules[0].pattern: not a valid RE2 regular expression"));
    }

    @Test
    void parseWhenRegexUsesBacktrackingOnlySyntaxThenRejectsIt() {
        assertTrue(problem("rules: [ { id: 100004, targets: [ARGS], pattern: '(a)\\1' } ]")
                .contains("RE2"));
    }

    @Test
    void parseWhenFamilyIsUnknownThenSaysWhichExist() {
        assertTrue(problem("rules: [ { id: 100005, family: nosql, targets: [ARGS], pattern: x } ]")
                .startsWith("rules[0].family: unknown rule family (was \"nosql\"); families: custom, generic"));
    }

    @Test
    void parseWhenTargetIsUnknownThenNamesIt() {
        assertTrue(problem("rules: [ { id: 100006, targets: [ARGS, QUERYSTRING], pattern: x } ]")
                .startsWith("rules[0].targets[1]: unknown target (was \"QUERYSTRING\")"));
    }

    @Test
    void parseWhenPatternIsMissingThenSaysSo() {
        assertEquals(
                "rules[0].pattern: missing (give pattern or patterns)",
                problem("rules: [ { id: 100007, targets: [ARGS] } ]"));
    }

    @Test
    void parseWhenIdIsMissingThenSaysSo() {
        assertTrue(problem("rules: [ { targets: [ARGS], pattern: x } ]")
                .startsWith("rules[0].id: must be a whole number"));
    }

    @Test
    void parseWhenIdIsRepeatedThenSaysSo() {
        assertEquals(
                "rules[1].id: duplicate rule id 100008",
                problem(
                        "rules: [ { id: 100008, targets: [ARGS], pattern: x }, { id: 100008, targets: [ARGS], pattern: y } ]"));
    }

    @Test
    void parseWhenScoreIsInvalidThenSaysWhatIsAllowed() {
        assertTrue(problem("rules: [ { id: 100009, targets: [ARGS], pattern: x, score: huge } ]")
                .startsWith("rules[0].score: must be critical, error, warning, notice or a number"));
    }

    @Test
    void parseWhenParanoiaIsOutOfRangeThenSaysSo() {
        assertEquals(
                "rules[0].paranoia: must be 1, 2, 3 or 4 (was 5)",
                problem("rules: [ { id: 100010, targets: [ARGS], pattern: x, paranoia: 5 } ]"));
    }

    @Test
    void parseWhenOperatorIsUnknownThenListsThem() {
        assertTrue(problem("rules: [ { id: 100011, targets: [ARGS], pattern: x, operator: like } ]")
                .startsWith("rules[0].operator: unknown (was \"like\")"));
    }

    @Test
    void parseWhenKeyIsUnknownThenSaysSo() {
        assertTrue(problem("rules: [ { id: 100012, targets: [ARGS], pattern: x, action: deny } ]")
                .startsWith("rules[0].action: unknown key"));
    }

    @Test
    void parseWhenFileIsNotYamlThenSaysSo() {
        assertTrue(problem("rules: [ { id: 1").startsWith("not valid YAML"));
    }

    @Test
    void parseWhenRulesListIsEmptyThenSaysSo() {
        assertEquals("rules: must be a non-empty list of rules", problem("rules: []"));
    }

    @Test
    void loadWhenCustomRuleReusesABuiltInIdThenNamesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("waf-extra.yaml");
        Files.writeString(file, "rules: [ { id: 942100, targets: [ARGS], pattern: x } ]");
        WafConfig config =
                new WafConfig(WafConfig.Mode.BLOCK, 1, 1024, 1024, List.of("GET"), Optional.of(file), List.of());
        ConfigException e = assertThrows(ConfigException.class, () -> WafRules.load(config));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertEquals(
                "rules[0].id: 942100 is a built-in rule id; use another",
                e.problems().get(0));
    }

    @Test
    void loadWhenCustomRulesAreValidThenTheyJoinTheBuiltInOnes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("waf-extra.yaml");
        Files.writeString(
                file, "rules: [ { id: 100100, targets: ['HEADERS:X-Tenant'], operator: equals, pattern: evil } ]");
        WafConfig config =
                new WafConfig(WafConfig.Mode.BLOCK, 1, 1024, 1024, List.of("GET"), Optional.of(file), List.of());
        List<Rule> rules = WafRules.load(config);
        assertEquals(WafRules.builtIn().size() + 1, rules.size());
    }

    @Test
    void builtInWhenLoadedThenIdsAreUniqueAndFamiliesKnown() {
        List<Rule> rules = WafRules.builtIn();
        assertEquals(rules.size(), rules.stream().map(Rule::id).distinct().count());
        assertTrue(rules.stream().allMatch(rule -> WafConfig.RULE_FAMILIES.contains(rule.family())));
    }
}
