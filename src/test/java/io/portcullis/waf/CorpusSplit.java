package io.portcullis.waf;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the CRS dev corpus into a tuning half and a validation half by CRS rule id: every case of one rule
 * lands in the same half, so the validation half holds rules whose test cases were never looked at while the
 * detection was tuned. The half is the lowest bit of the first byte of SHA-256 over the decimal rule id: no
 * seed, nothing chosen by looking at the cases. {@link #main} rewrites {@code crs-tune.jsonl} and
 * {@code crs-validate.jsonl} from {@code crs-dev.jsonl}; {@code CorpusSplitTest} checks they still agree.
 */
final class CorpusSplit {
    static final Path DIR = Path.of("src", "test", "resources", "waf");
    private static final ObjectMapper JSON = new ObjectMapper();

    private CorpusSplit() {}

    /** True when the cases of this CRS rule belong to the validation half. */
    static boolean isValidation(int ruleId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(Integer.toString(ruleId).getBytes(StandardCharsets.US_ASCII));
            return (digest[0] & 1) == 1;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The CRS rule id of one corpus line. */
    static int ruleId(String line) {
        try {
            return JSON.readTree(line).path("rule_id").asInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The lines of {@code dev} for one half, in their order. */
    static List<String> half(List<String> dev, boolean validation) {
        List<String> out = new ArrayList<>();
        for (String line : dev) {
            if (!line.isBlank() && isValidation(ruleId(line)) == validation) {
                out.add(line);
            }
        }
        return out;
    }

    public static void main(String[] args) throws IOException {
        List<String> dev = Files.readAllLines(DIR.resolve("crs-dev.jsonl"), StandardCharsets.UTF_8);
        Files.write(DIR.resolve("crs-tune.jsonl"), half(dev, false), StandardCharsets.UTF_8);
        Files.write(DIR.resolve("crs-validate.jsonl"), half(dev, true), StandardCharsets.UTF_8);
    }
}
