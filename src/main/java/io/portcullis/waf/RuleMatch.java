package io.portcullis.waf;

/**
 * A rule that matched, and where.
 *
 * @param ruleId the rule's id
 * @param family the rule's family
 * @param target the label of the matched target, e.g. {@code ARGS:q}
 * @param score  what it added to the anomaly score
 */
public record RuleMatch(int ruleId, String family, String target, int score) {

    @Override
    public String toString() {
        return ruleId + "@" + target;
    }
}
