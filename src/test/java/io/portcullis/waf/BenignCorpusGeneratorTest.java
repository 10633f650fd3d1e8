package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenignCorpusGeneratorTest {

    @Test
    void generateWhenRunAgainThenTheCheckedInCorpusIsReproducedExactly() throws Exception {
        List<String> generated = new BenignCorpusGenerator().generate();
        List<String> checkedIn = Files.readAllLines(BenignCorpusGenerator.OUTPUT, StandardCharsets.UTF_8);
        assertTrue(generated.size() >= 2000, "the independent benign corpus must hold at least 2,000 requests");
        // the lines are not printed: nobody tuning the rules is meant to read this corpus
        assertEquals(generated.size(), checkedIn.size(), "benign-generated.jsonl has another number of lines");
        for (int i = 0; i < generated.size(); i++) {
            assertEquals(
                    generated.get(i).hashCode(),
                    checkedIn.get(i).hashCode(),
                    "benign-generated.jsonl differs from what BenignCorpusGenerator writes, line " + (i + 1));
        }
    }
}
