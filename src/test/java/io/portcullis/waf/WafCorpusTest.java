package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.chain.RequestAttributes;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.WafConfig;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sends every case of the OWASP CRS dev corpus and of the project's benign corpus through the real
 * {@link WafStage}, built from the real configuration loader (the built-in demo configuration: paranoia 1,
 * block mode), and counts 403s per category and paranoia level. Fails on a regression below the recorded
 * thresholds; prints the table (and writes it, with the misses, under {@code target/waf-corpus/}).
 */
class WafCorpusTest {
    /** Minimum share of PL1 attack cases blocked, per category: set slightly below what is achieved. */
    private static final Map<String, Double> PL1_DETECTION_FLOOR = Map.ofEntries(
            Map.entry("920-protocol-enforcement", 0.92),
            Map.entry("921-protocol-attack", 0.97),
            Map.entry("930-lfi", 0.97),
            Map.entry("931-rfi", 0.90),
            Map.entry("932-rce", 0.92),
            Map.entry("933-php", 0.94),
            Map.entry("934-generic", 0.93),
            Map.entry("941-xss", 0.92),
            Map.entry("942-sqli", 0.90),
            Map.entry("943-session-fixation", 0.95),
            Map.entry("944-java", 0.99));
    /** At most this share of the benign corpus may be blocked. */
    private static final double BENIGN_BLOCK_CEILING = 0.01;

    /**
     * What counts as blocked: the WAF stage answered and the request went no further. Besides a rule's 403 that is
     * a body of a media type not accepted (415; CRS rule 920420 refuses the same with a 403), more than one
     * Content-Type (400) or a body over the limit (413).
     */
    static final Set<Integer> REFUSALS = Set.of(400, 403, 413, 415);

    private static WafStage filter;

    @BeforeAll
    static void buildFilter() {
        GatewayConfig config = new ConfigLoader().loadDemo();
        filter = WafStage.create(config.waf());
    }

    static boolean blocked(CorpusRequest spec) throws Exception {
        return blocked(filter, spec);
    }

    static boolean blocked(WafStage filter, CorpusRequest spec) throws Exception {
        FakeServletRequests.Recorder recorder = new FakeServletRequests.Recorder();
        boolean[] passed = {false};
        HttpServletRequest request = FakeServletRequests.request(spec);
        RequestAttributes.ROUTE.set(request, WafStageTest.ANY_ROUTE);
        filter.handle(request, recorder.response, (req, res) -> passed[0] = true);
        return !passed[0] && REFUSALS.contains(recorder.status);
    }

    /**
     * Minimum share of PL1 attack cases of the validation half (rules never tuned against) blocked, overall and
     * per category with at least {@value #MIN_CATEGORY_CASES} cases: set just below what is achieved.
     */
    private static final double VALIDATION_PL1_FLOOR = 0.955;

    private static final Map<String, Double> VALIDATION_PL1_CATEGORY_FLOOR = Map.ofEntries(
            Map.entry("920-protocol-enforcement", 0.93),
            Map.entry("921-protocol-attack", 0.99),
            Map.entry("930-lfi", 0.99),
            Map.entry("932-rce", 0.84),
            Map.entry("933-php", 0.97),
            Map.entry("934-generic", 0.93),
            Map.entry("941-xss", 0.94),
            Map.entry("942-sqli", 0.87),
            Map.entry("944-java", 0.99));
    private static final int MIN_CATEGORY_CASES = 10;
    /** At most this share of the independent (generated) benign corpus may be blocked. */
    private static final double GENERATED_BENIGN_BLOCK_CEILING = 0.005;

    /** Blocked / total per "category PLn block|allow" key, with the PL1 misses and the blocked allow cases. */
    record Tally(Map<String, int[]> counts, List<String> misses, List<String> falseAlarms) {

        static Tally of(WafStage filter, List<CorpusRequest> cases) throws Exception {
            Map<String, int[]> counts = new TreeMap<>();
            List<String> misses = new ArrayList<>();
            List<String> falseAlarms = new ArrayList<>();
            for (CorpusRequest spec : cases) {
                boolean blocked = blocked(filter, spec);
                String key = spec.category() + " PL" + spec.paranoia() + (spec.expectBlock() ? " block" : " allow");
                int[] count = counts.computeIfAbsent(key, k -> new int[2]);
                count[0]++;
                if (blocked) {
                    count[1]++;
                }
                if (spec.expectBlock() && !blocked && spec.paranoia() == 1) {
                    misses.add(spec.id() + " " + spec.method() + " " + spec.uri());
                }
                if (!spec.expectBlock() && blocked) {
                    falseAlarms.add(spec.id() + " " + spec.method() + " " + spec.uri());
                }
            }
            return new Tally(counts, misses, falseAlarms);
        }

        int[] sum(String suffix) {
            return WafCorpusTest.sum(counts, suffix);
        }

        String table() {
            StringBuilder table = new StringBuilder("category / paranoia / expect: blocked of total\n");
            counts.forEach((key, count) -> table.append(
                    String.format("%-45s %4d / %4d  %5.1f%%%n", key, count[1], count[0], 100.0 * count[1] / count[0])));
            int[] pl1Attacks = sum(" PL1 block");
            int[] pl1Allow = sum(" PL1 allow");
            int[] allAllow = sum(" allow");
            table.append(String.format(
                    "all PL1 attack cases blocked: %d / %d (%.1f%%)%n",
                    pl1Attacks[1], pl1Attacks[0], 100.0 * pl1Attacks[1] / pl1Attacks[0]));
            table.append(String.format(
                    "'allow' cases blocked (informative), PL1: %d / %d (%.1f%%), all levels: %d / %d (%.1f%%)%n",
                    pl1Allow[1],
                    pl1Allow[0],
                    100.0 * pl1Allow[1] / Math.max(1, pl1Allow[0]),
                    allAllow[1],
                    allAllow[0],
                    100.0 * allAllow[1] / Math.max(1, allAllow[0])));
            return table.toString();
        }

        String full() {
            return table() + "\nPL1 misses:\n" + String.join("\n", misses) + "\n\nblocked allow cases:\n"
                    + String.join("\n", falseAlarms);
        }
    }

    @Test
    void crsCorpusWhenRunAtParanoiaOneThenEveryCategoryMeetsItsDetectionFloor() throws Exception {
        Tally tally = Tally.of(filter, CorpusRequest.load("/waf/crs-dev.jsonl"));
        report("crs", tally.full());
        System.out.println(tally.table());
        List<String> failures = new ArrayList<>();
        PL1_DETECTION_FLOOR.forEach((category, floor) -> {
            int[] count = tally.counts().get(category + " PL1 block");
            double rate = (double) count[1] / count[0];
            if (rate < floor) {
                failures.add(String.format("%s: %.1f%% blocked, floor %.1f%%", category, 100 * rate, 100 * floor));
            }
        });
        assertTrue(failures.isEmpty(), "PL1 detection below the floor: " + failures);
    }

    @Test
    void tuningHalfWhenRunAtParanoiaOneThenItsFiguresAreReported() throws Exception {
        Tally tally = Tally.of(filter, CorpusRequest.load("/waf/crs-tune.jsonl"));
        report("crs-tune", tally.full());
        System.out.println("tuning half\n" + tally.table());
        assertTrue(tally.sum(" PL1 block")[0] > 0);
    }

    @Test
    void validationHalfWhenRunAtParanoiaOneThenDetectionMeetsItsFloors() throws Exception {
        Tally tally = Tally.of(filter, CorpusRequest.load("/waf/crs-validate.jsonl"));
        report("crs-validate", tally.full());
        System.out.println("validation half\n" + tally.table());
        List<String> failures = new ArrayList<>();
        int[] all = tally.sum(" PL1 block");
        if ((double) all[1] / all[0] < VALIDATION_PL1_FLOOR) {
            failures.add(String.format("all: %d / %d, floor %.1f%%", all[1], all[0], 100 * VALIDATION_PL1_FLOOR));
        }
        tally.counts().forEach((key, count) -> {
            if (key.endsWith(" PL1 block") && count[0] >= MIN_CATEGORY_CASES) {
                String category = key.substring(0, key.length() - " PL1 block".length());
                double floor = VALIDATION_PL1_CATEGORY_FLOOR.getOrDefault(category, VALIDATION_PL1_FLOOR);
                if ((double) count[1] / count[0] < floor) {
                    failures.add(String.format("%s: %d / %d, floor %.1f%%", category, count[1], count[0], 100 * floor));
                }
            }
        });
        assertTrue(failures.isEmpty(), "validation-half PL1 detection below the floor: " + failures);
    }

    @Test
    void benignCorpusWhenRunAtParanoiaOneThenAlmostNothingIsBlocked() throws Exception {
        List<CorpusRequest> cases = CorpusRequest.load("/waf/benign.jsonl");
        List<String> blocked = blockedIds(filter, cases);
        String summary = String.format(
                "benign: %d of %d blocked (%.2f%%)%n",
                blocked.size(), cases.size(), 100.0 * blocked.size() / cases.size());
        report("benign", summary + String.join("\n", blocked));
        System.out.print(summary);
        assertTrue(cases.size() >= 300, "the benign corpus must hold at least 300 requests");
        assertTrue(blocked.size() <= BENIGN_BLOCK_CEILING * cases.size(), summary + blocked);
    }

    @Test
    void generatedBenignCorpusWhenRunAtParanoiaOneThenAtMostItsCeilingIsBlocked() throws Exception {
        List<CorpusRequest> cases = CorpusRequest.load("/waf/benign-generated.jsonl");
        List<String> blocked = blockedIds(filter, cases);
        Map<String, int[]> byCategory = new TreeMap<>();
        for (CorpusRequest spec : cases) {
            int[] count = byCategory.computeIfAbsent(spec.category(), k -> new int[2]);
            count[0]++;
            if (blocked.stream().anyMatch(line -> line.startsWith(spec.id() + " "))) {
                count[1]++;
            }
        }
        StringBuilder perCategory = new StringBuilder();
        byCategory.forEach((category, count) ->
                perCategory.append(String.format("  %-10s %4d / %4d%n", category, count[1], count[0])));
        String summary = String.format(
                "generated benign: %d of %d blocked (%.2f%%)%n%s",
                blocked.size(), cases.size(), 100.0 * blocked.size() / cases.size(), perCategory);
        report("benign-generated", summary + String.join("\n", blocked));
        System.out.print(summary);
        assertTrue(cases.size() >= 2000, "the generated benign corpus must hold at least 2,000 requests");
        assertTrue(blocked.size() <= GENERATED_BENIGN_BLOCK_CEILING * cases.size(), summary);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4})
    // builds the rule set anew for each level and runs three corpora through it
    @org.junit.jupiter.api.Timeout(value = 3, unit = java.util.concurrent.TimeUnit.MINUTES)
    void paranoiaLevelWhenRunThenValidationAndBenignFiguresAreReported(int level) throws Exception {
        WafConfig waf = new ConfigLoader().loadDemo().waf();
        WafStage atLevel = WafStage.create(new WafConfig(
                waf.mode(),
                level,
                waf.maxBody(),
                waf.maxHeader(),
                waf.allowedMethods(),
                waf.rulesFile(),
                waf.exclusions()));
        List<CorpusRequest> benign = CorpusRequest.load("/waf/benign.jsonl");
        List<CorpusRequest> generated = CorpusRequest.load("/waf/benign-generated.jsonl");
        Tally tally = Tally.of(atLevel, CorpusRequest.load("/waf/crs-validate.jsonl"));
        int[] attacks = new int[2];
        for (int l = 1; l <= level; l++) {
            int[] part = tally.sum(" PL" + l + " block");
            attacks[0] += part[0];
            attacks[1] += part[1];
        }
        int[] allow = tally.sum(" PL1 allow");
        int benignBlocked = blockedIds(atLevel, benign).size();
        int generatedBlocked = blockedIds(atLevel, generated).size();
        String line = String.format(
                "PL%d | %d / %d (%.1f%%) | %d / %d (%.1f%%) | %d / %d (%.2f%%) | %d / %d (%.2f%%)%n",
                level,
                attacks[1],
                attacks[0],
                100.0 * attacks[1] / attacks[0],
                allow[1],
                allow[0],
                100.0 * allow[1] / allow[0],
                benignBlocked,
                benign.size(),
                100.0 * benignBlocked / benign.size(),
                generatedBlocked,
                generated.size(),
                100.0 * generatedBlocked / generated.size());
        report(
                "level-" + level,
                "paranoia | validation attacks of PL1..n blocked | PL1 'allow' blocked | benign"
                        + " | generated benign\n" + line);
        System.out.print(line);
        assertTrue(attacks[0] > 0);
    }

    private static List<String> blockedIds(WafStage filter, List<CorpusRequest> cases) throws Exception {
        List<String> blocked = new ArrayList<>();
        for (CorpusRequest spec : cases) {
            if (blocked(filter, spec)) {
                blocked.add(spec.id() + " " + spec.method() + " " + spec.uri());
            }
        }
        return blocked;
    }

    private static int[] sum(Map<String, int[]> counts, String suffix) {
        int[] total = new int[2];
        counts.forEach((key, count) -> {
            if (key.endsWith(suffix)) {
                total[0] += count[0];
                total[1] += count[1];
            }
        });
        return total;
    }

    private static void report(String name, String text) throws IOException {
        Path dir = Path.of("target", "waf-corpus");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(name + ".txt"), text, StandardCharsets.UTF_8);
    }
}
