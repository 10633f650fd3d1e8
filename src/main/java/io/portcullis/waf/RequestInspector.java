package io.portcullis.waf;

import io.portcullis.config.WafConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rule engine: runs the active rules (built-in and custom, up to the configured paranoia level, minus
 * the exclusions for the request's path) over a request's targets and adds up the anomaly score. Each rule
 * counts once per request however many targets it matches. Built once; immutable and thread-safe.
 */
public final class RequestInspector {
    private final List<Rule> rules;
    /** Per target kind, the rules that inspect it. */
    private final Map<TargetKind, KindRules> byKind;
    private final RulePrefilter prefilter;
    private final int paranoia;
    private final int threshold;
    private final List<WafConfig.Exclusion> exclusions;
    private final TargetExtractor extractor = new TargetExtractor();

    /**
     * @param rules      every rule (those above {@code paranoia} are dropped here)
     * @param paranoia   the paranoia level, 1–4
     * @param threshold  the anomaly score at which a request is an attack
     * @param exclusions rule families or ids switched off under path prefixes
     */
    public RequestInspector(List<Rule> rules, int paranoia, int threshold, List<WafConfig.Exclusion> exclusions) {
        List<Rule> active = new ArrayList<>();
        for (Rule rule : rules) {
            if (rule.paranoia() <= paranoia) {
                active.add(rule);
            }
        }
        this.rules = List.copyOf(active);
        this.byKind = index(this.rules);
        this.prefilter = new RulePrefilter(this.rules);
        this.paranoia = paranoia;
        this.threshold = threshold;
        this.exclusions = List.copyOf(exclusions);
    }

    /**
     * The rules inspecting one kind of target: their indexes into {@link #rules}, and whether each looks only
     * at some names of that kind ({@code HEADERS:User-Agent}), so the target's name must be checked.
     */
    private record KindRules(int[] indexes, boolean[] named) {}

    private static Map<TargetKind, KindRules> index(List<Rule> rules) {
        Map<TargetKind, KindRules> byKind = new EnumMap<>(TargetKind.class);
        for (TargetKind kind : TargetKind.values()) {
            int[] indexes = java.util.stream.IntStream.range(0, rules.size())
                    .filter(i -> rules.get(i).targets().stream().anyMatch(spec -> spec.kind() == kind)).toArray();
            boolean[] named = new boolean[indexes.length];
            for (int i = 0; i < indexes.length; i++) {
                named[i] = rules.get(indexes[i]).targets().stream().noneMatch(spec -> spec.kind() == kind && spec.key().isEmpty());
            }
            byKind.put(kind, new KindRules(indexes, named));
        }
        return byKind;
    }

    /** The active rules, for tests and the startup log. */
    public List<Rule> rules() {
        return rules;
    }

    /**
     * Inspects a request.
     *
     * @param request what the filter saw
     * @param path    the request path inside the context, for exclusions
     */
    public Verdict inspect(WafRequest request, String path) {
        Set<String> excluded = excluded(path);
        List<RuleMatch> matches = new ArrayList<>();
        int score = 0;
        TargetExtractor.Extraction extraction = extractor.extract(request);
        Map<ProtocolRule, String> anomalies = new EnumMap<>(extraction.anomalies());
        ProtocolChecks.check(request, anomalies);
        for (Map.Entry<ProtocolRule, String> anomaly : anomalies.entrySet()) {
            ProtocolRule rule = anomaly.getKey();
            if (rule.paranoia() <= paranoia && !excluded.contains(rule.family())
                    && !excluded.contains(Integer.toString(rule.id()))) {
                matches.add(new RuleMatch(rule.id(), rule.family(), anomaly.getValue(), rule.score()));
                score += rule.score();
            }
        }
        boolean[] skip = skipped(excluded);
        TargetForms forms = new TargetForms(prefilter);
        for (Target target : extraction.targets()) {
            forms.reset(target.value());
            KindRules candidates = byKind.get(target.kind());
            int[] indexes = candidates.indexes();
            for (int i = 0; i < indexes.length; i++) {
                int index = indexes[i];
                if (skip[index]) {
                    continue;
                }
                Rule rule = rules.get(index);
                long[] hits = forms.hits(rule.transform());
                if (hits == null || !prefilter.admits(index, hits) || candidates.named()[i] && !rule.inspects(target)) {
                    continue;
                }
                if (rule.matcher().test(forms.form(rule.transform()))) {
                    // each rule counts once per request
                    skip[index] = true;
                    matches.add(new RuleMatch(rule.id(), rule.family(), target.label(), rule.score()));
                    score += rule.score();
                }
            }
        }
        return new Verdict(score, threshold, matches);
    }

    /** Per rule: true when it is excluded for this request (and later, once it has matched). */
    private boolean[] skipped(Set<String> excluded) {
        boolean[] skip = new boolean[rules.size()];
        if (!excluded.isEmpty()) {
            for (int i = 0; i < skip.length; i++) {
                Rule rule = rules.get(i);
                skip[i] = excluded.contains(rule.family()) || excluded.contains(Integer.toString(rule.id()));
            }
        }
        return skip;
    }

    private Set<String> excluded(String path) {
        if (exclusions.isEmpty()) {
            return Set.of();
        }
        Set<String> excluded = new java.util.HashSet<>();
        for (WafConfig.Exclusion exclusion : exclusions) {
            String prefix = exclusion.prefix();
            if (prefix.equals("/") || path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                excluded.addAll(exclusion.rules());
            }
        }
        return excluded;
    }
}
