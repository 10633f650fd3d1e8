package io.portcullis.waf;

import io.portcullis.config.WafConfig;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

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
    /** Per exclusion, its targets parsed once (empty for a whole-request exclusion). */
    private final List<List<ExclusionTarget>> exclusionTargets;

    private final TargetExtractor extractor = new TargetExtractor();

    private final GrammarDetector[] detectors;
    private final boolean gated;
    /**
     * Rules that a plain loopback callback URL ({@code http://localhost:3000/callback}) sets off: loopback SSRF
     * (934111, 934190) and the numeric-host weak signal (931101). Such a value is a development callback.
     */
    private static final Set<String> PROSE_STRONG_FAMILIES =
            Set.of("protocol", "scanner", "session-fixation", "custom");

    private static final Set<Integer> LOOPBACK_RULES = Set.of(934111, 934190, 931101);

    /**
     * @param rules      every rule (those above {@code paranoia} are dropped here)
     * @param paranoia   the paranoia level, 1–4
     * @param threshold  the anomaly score at which a request is an attack
     * @param exclusions rule families or ids switched off under path prefixes
     */
    public RequestInspector(List<Rule> rules, int paranoia, int threshold, List<WafConfig.Exclusion> exclusions) {
        this(rules, paranoia, threshold, exclusions, EnumSet.allOf(GrammarDetector.class));
    }

    /**
     * @param detectors the grammar detectors to run besides the rules (all of them in production; tests of one
     *                  rule run none)
     */
    RequestInspector(
            List<Rule> rules,
            int paranoia,
            int threshold,
            List<WafConfig.Exclusion> exclusions,
            Set<GrammarDetector> detectors) {
        this(rules, paranoia, threshold, exclusions, detectors, true);
    }

    /**
     * @param gated whether the detectors skip values that cannot hold what they look for ({@link DetectorGate});
     *              always in production, off only to show that the gate changes no verdict
     */
    RequestInspector(
            List<Rule> rules,
            int paranoia,
            int threshold,
            List<WafConfig.Exclusion> exclusions,
            Set<GrammarDetector> detectors,
            boolean gated) {
        this.gated = gated;
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
        this.exclusionTargets = this.exclusions.stream()
                .map(e -> e.targets().stream().map(ExclusionTarget::parse).toList())
                .toList();
        this.detectors = detectors.toArray(new GrammarDetector[0]);
    }

    /**
     * The rules inspecting one kind of target: their indexes into {@link #rules}, and whether each looks only
     * at some names of that kind ({@code HEADERS:User-Agent}), so the target's name must be checked.
     */
    private record KindRules(int[] indexes, boolean[] named) {}

    private static Map<TargetKind, KindRules> index(List<Rule> rules) {
        Map<TargetKind, KindRules> byKind = new EnumMap<>(TargetKind.class);
        for (TargetKind kind : TargetKind.values()) {
            int[] indexes = IntStream.range(0, rules.size())
                    .filter(i -> rules.get(i).targets().stream().anyMatch(spec -> spec.kind() == kind))
                    .toArray();
            boolean[] named = new boolean[indexes.length];
            for (int i = 0; i < indexes.length; i++) {
                named[i] = rules.get(indexes[i]).targets().stream()
                        .noneMatch(spec -> spec.kind() == kind && spec.key().isEmpty());
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
        Set<String> excluded = new HashSet<>();
        List<TargetExclusion> targetExclusions = new ArrayList<>();
        excluded(path, excluded, targetExclusions);
        List<RuleMatch> matches = new ArrayList<>();
        int score = 0;
        TargetExtractor.Extraction extraction = extractor.extract(request);
        Map<ProtocolRule, String> anomalies = new EnumMap<>(extraction.anomalies());
        ProtocolChecks.check(request, anomalies);
        for (Map.Entry<ProtocolRule, String> anomaly : anomalies.entrySet()) {
            ProtocolRule rule = anomaly.getKey();
            if (rule.paranoia() <= paranoia
                    && !excluded.contains(rule.family())
                    && !excluded.contains(Integer.toString(rule.id()))) {
                matches.add(new RuleMatch(rule.id(), rule.family(), anomaly.getValue(), rule.score()));
                score += rule.score();
            }
        }
        boolean[] skip = skipped(excluded);
        // rules that matched only in prose so far: their score sits in the capped prose bucket
        boolean[] inProse = new boolean[rules.size()];
        int proseScore = 0;
        boolean[] detected = new boolean[detectors.length];
        for (int d = 0; d < detectors.length; d++) {
            detected[d] =
                    excluded.contains(detectors[d].family()) || excluded.contains(Integer.toString(detectors[d].id()));
        }
        TargetForms forms = new TargetForms(prefilter);
        for (Target target : extraction.targets()) {
            forms.reset(target.value());
            Set<String> targetExcluded = targetExcluded(target, targetExclusions);
            boolean contextual = target.kind() == TargetKind.ARGS || target.kind() == TargetKind.BODY;
            TextContext.Kind context =
                    contextual ? TextContext.kind(forms.form(Transform.TEXT)) : TextContext.Kind.BARE;
            boolean prose = context != TextContext.Kind.BARE;
            int meta = context == TextContext.Kind.TEXT ? TextContext.metaFamilies(forms.form(Transform.TEXT)) : 0;
            int loopback = -1;
            KindRules candidates = byKind.get(target.kind());
            int[] indexes = candidates.indexes();
            for (int i = 0; i < indexes.length; i++) {
                int index = indexes[i];
                if (skip[index] || prose && inProse[index] && needsCompany(rules.get(index), context, meta)) {
                    continue;
                }
                Rule rule = rules.get(index);
                if (!targetExcluded.isEmpty()
                        && (targetExcluded.contains(rule.family())
                                || targetExcluded.contains(Integer.toString(rule.id())))) {
                    continue;
                }
                long[] hits = forms.hits(rule.transform());
                if (hits == null || !prefilter.admits(index, hits) || candidates.named()[i] && !rule.inspects(target)) {
                    continue;
                }
                if (rule.matcher().test(forms.form(rule.transform()))) {
                    if (MatchContext.ignored(rule, target, forms.form(Transform.TEXT), request)) {
                        continue;
                    }
                    if (contextual && LOOPBACK_RULES.contains(rule.id())) {
                        if (loopback < 0) {
                            String text = forms.form(Transform.TEXT);
                            loopback =
                                    TextContext.isLoopbackCallback(text) || MatchContext.isLoopbackHost(text) ? 1 : 0;
                        }
                        if (loopback == 1) {
                            continue;
                        }
                    }
                    if (prose && needsCompany(rule, context, meta)) {
                        inProse[index] = true;
                        proseScore += rule.score();
                        matches.add(new RuleMatch(rule.id(), rule.family(), target.label() + " (prose)", rule.score()));
                        continue;
                    }
                    // each rule counts once per request
                    skip[index] = true;
                    if (inProse[index]) {
                        inProse[index] = false;
                        proseScore -= rule.score();
                    }
                    matches.add(new RuleMatch(rule.id(), rule.family(), target.label(), rule.score()));
                    score += rule.score();
                }
            }
            for (int d = 0; d < detectors.length; d++) {
                GrammarDetector detector = detectors[d];
                if (detected[d]
                        || !detector.inspects(target.kind())
                        || !targetExcluded.isEmpty()
                                && (targetExcluded.contains(detector.family())
                                        || targetExcluded.contains(Integer.toString(detector.id())))) {
                    continue;
                }
                if (detector.detect(forms, context, gated)) {
                    detected[d] = true;
                    matches.add(new RuleMatch(detector.id(), detector.family(), target.label(), detector.score()));
                    score += detector.score();
                }
            }
        }
        // literal matches in prose need company: alone they stay below the threshold
        score += Math.min(proseScore, threshold - 1);
        return new Verdict(score, threshold, matches);
    }

    /**
     * Whether a literal match of this rule in a value of this kind is weak evidence: in prose, any rule's but the
     * protocol, scanner and session-fixation rules (which look at things prose does not hold); in a few words of
     * text, those of the families a grammar detector covers (SQL, XSS, shell), whose detector is the evidence
     * that stands alone — unless the text holds that family's metacharacters (a quote for SQL, a bracket for
     * HTML, a separator for the shell), which words of a search do not.
     */
    private static boolean needsCompany(Rule rule, TextContext.Kind context, int meta) {
        return switch (context) {
            case BARE -> false;
            case TEXT -> (TextContext.familyBit(rule.family()) & ~meta) != 0;
            case PROSE -> !PROSE_STRONG_FAMILIES.contains(rule.family());
        };
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

    /** Rules switched off for some targets of a request. */
    private record TargetExclusion(List<String> rules, List<ExclusionTarget> targets) {}

    /** Collects the exclusions for the path: whole-request ones into {@code excluded}, per-target ones into {@code perTarget}. */
    private void excluded(String path, Set<String> excluded, List<TargetExclusion> perTarget) {
        for (int i = 0; i < exclusions.size(); i++) {
            WafConfig.Exclusion exclusion = exclusions.get(i);
            String prefix = exclusion.prefix();
            if (prefix.equals("/")
                    || path.equals(prefix)
                    || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/")) {
                if (exclusion.targets().isEmpty()) {
                    excluded.addAll(exclusion.rules());
                } else {
                    perTarget.add(new TargetExclusion(exclusion.rules(), exclusionTargets.get(i)));
                }
            }
        }
    }

    private static Set<String> targetExcluded(Target target, List<TargetExclusion> perTarget) {
        if (perTarget.isEmpty()) {
            return Set.of();
        }
        Set<String> out = new HashSet<>();
        for (TargetExclusion exclusion : perTarget) {
            for (ExclusionTarget selector : exclusion.targets()) {
                if (selector.selects(target)) {
                    out.addAll(exclusion.rules());
                    break;
                }
            }
        }
        return out;
    }
}
