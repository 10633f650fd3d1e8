package io.portcullis.waf;

import java.util.List;

/**
 * The outcome of inspecting one request: every rule that matched and the anomaly score they add up to.
 *
 * @param score     the sum of the matched rules' scores
 * @param threshold the score at which the request counts as an attack
 * @param matches   the matched rules, in the order found
 */
public record Verdict(int score, int threshold, List<RuleMatch> matches) {

    public Verdict {
        matches = List.copyOf(matches);
    }

    /** True when the score reached the threshold: block mode answers 403, detect mode logs. */
    public boolean isAttack() {
        return score >= threshold;
    }

    /** The matched rule ids, for the log. */
    public String ruleIds() {
        StringBuilder out = new StringBuilder();
        for (RuleMatch match : matches) {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(match.ruleId());
        }
        return out.toString();
    }
}
