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
    private final Map<TargetKind, List<Rule>> byKind;
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
        this.paranoia = paranoia;
        this.threshold = threshold;
        this.exclusions = List.copyOf(exclusions);
    }

    private static Map<TargetKind, List<Rule>> index(List<Rule> rules) {
        Map<TargetKind, List<Rule>> byKind = new EnumMap<>(TargetKind.class);
        for (TargetKind kind : TargetKind.values()) {
            List<Rule> list = new ArrayList<>();
            for (Rule rule : rules) {
                if (rule.targets().stream().anyMatch(spec -> spec.kind() == kind)) {
                    list.add(rule);
                }
            }
            byKind.put(kind, List.copyOf(list));
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
        Set<Integer> matched = new java.util.HashSet<>();
        String[] forms = new String[Transform.values().length];
        for (Target target : extraction.targets()) {
            java.util.Arrays.fill(forms, null);
            for (Rule rule : byKind.get(target.kind())) {
                if (matched.contains(rule.id()) || !rule.inspects(target)
                        || (!excluded.isEmpty() && (excluded.contains(rule.family()) || excluded.contains(Integer.toString(rule.id()))))) {
                    continue;
                }
                String form = form(target.value(), rule.transform(), forms);
                if (form != null && rule.matcher().test(form)) {
                    matched.add(rule.id());
                    matches.add(new RuleMatch(rule.id(), rule.family(), target.label(), rule.score()));
                    score += rule.score();
                }
            }
        }
        return new Verdict(score, threshold, matches);
    }

    private static String form(String raw, Transform transform, String[] forms) {
        int slot = transform.ordinal();
        if (forms[slot] != null) {
            return forms[slot].isEmpty() && transform == Transform.BASE64 ? null : forms[slot];
        }
        String text = transform == Transform.NONE || transform == Transform.BASE64 ? null : textForm(raw, forms);
        String form = switch (transform) {
            case TEXT -> text;
            case SQL -> Normalizer.sql(text);
            case CMD -> Normalizer.cmd(text);
            case PATH -> Normalizer.path(text);
            case COMPACT -> Normalizer.compact(text);
            case NONE -> raw;
            case BASE64 -> {
                String decoded = Normalizer.base64(raw);
                yield decoded == null ? "" : decoded;
            }
        };
        forms[slot] = form;
        return form.isEmpty() && transform == Transform.BASE64 ? null : form;
    }

    private static String textForm(String raw, String[] forms) {
        int slot = Transform.TEXT.ordinal();
        if (forms[slot] == null) {
            forms[slot] = Normalizer.text(raw);
        }
        return forms[slot];
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
