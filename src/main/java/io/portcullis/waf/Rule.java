package io.portcullis.waf;

import java.util.List;
import java.util.function.Predicate;

/**
 * One detection rule: where it looks, in which normalised form, what it looks for, and what a match adds to
 * the anomaly score. Immutable and thread-safe (the compiled matcher is RE2/J or a plain comparison).
 *
 * @param id       unique id, CRS-style ({@code 942100}); exclusions may name it
 * @param family   {@code sqli}, {@code xss}, … (see {@link io.portcullis.config.WafConfig#RULE_FAMILIES})
 * @param paranoia the lowest paranoia level (1–4) at which the rule runs
 * @param score    what a match adds to the anomaly score
 * @param targets  what it inspects
 * @param transform the normalised form it matches against
 * @param matcher  the compiled operator and patterns
 * @param required what every value the matcher accepts contains; values without it are not matched at all
 * @param message  what the rule detects, for the log
 */
public record Rule(
        int id,
        String family,
        int paranoia,
        int score,
        List<TargetSpec> targets,
        Transform transform,
        Predicate<String> matcher,
        LiteralQuery required,
        String message) {

    public Rule {
        targets = List.copyOf(targets);
    }

    /** True when the rule inspects this target. */
    public boolean inspects(Target target) {
        for (TargetSpec spec : targets) {
            if (spec.selects(target)) {
                return true;
            }
        }
        return false;
    }
}
