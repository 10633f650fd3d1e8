package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CorpusSplitTest {

    @Test
    void splitWhenRecomputedFromTheDevCorpusThenBothHalvesAreUnchanged() throws Exception {
        List<String> dev = Files.readAllLines(CorpusSplit.DIR.resolve("crs-dev.jsonl"), StandardCharsets.UTF_8);
        List<String> tune = Files.readAllLines(CorpusSplit.DIR.resolve("crs-tune.jsonl"), StandardCharsets.UTF_8);
        List<String> validate =
                Files.readAllLines(CorpusSplit.DIR.resolve("crs-validate.jsonl"), StandardCharsets.UTF_8);
        assertEquals(CorpusSplit.half(dev, false), tune, "crs-tune.jsonl is not the tuning half of crs-dev.jsonl");
        assertEquals(
                CorpusSplit.half(dev, true),
                validate,
                "crs-validate.jsonl is not the validation half of crs-dev.jsonl");
        assertEquals(dev.stream().filter(line -> !line.isBlank()).count(), tune.size() + validate.size());
    }

    @Test
    void splitWhenAnyRuleIsLookedUpThenAllItsCasesAreInOneHalf() throws Exception {
        Set<Integer> tuneRules = new HashSet<>();
        Files.readAllLines(CorpusSplit.DIR.resolve("crs-tune.jsonl"), StandardCharsets.UTF_8)
                .forEach(line -> tuneRules.add(CorpusSplit.ruleId(line)));
        for (String line : Files.readAllLines(CorpusSplit.DIR.resolve("crs-validate.jsonl"), StandardCharsets.UTF_8)) {
            assertTrue(!tuneRules.contains(CorpusSplit.ruleId(line)), "rule in both halves: " + line);
        }
    }
}
