package io.portcullis.waf;

import io.portcullis.config.ConfigException;
import io.portcullis.config.WafConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The built-in rule set (YAML resources in this package, one file per family, in the same format as an
 * operator's {@code rules-file}) plus the operator's rules. Stateless.
 */
public final class WafRules {
    /** The built-in rule files, one per family. */
    static final List<String> BUILT_IN = List.of(
            "protocol",
            "scanner",
            "lfi",
            "rfi",
            "rce",
            "php",
            "generic",
            "ssrf",
            "xss",
            "sqli",
            "session-fixation",
            "java");

    private WafRules() {}

    /** Every built-in rule. */
    public static List<Rule> builtIn() {
        List<Rule> rules = new ArrayList<>();
        for (String family : BUILT_IN) {
            rules.addAll(RulesFileLoader.loadResource("rules/" + family + ".yaml"));
        }
        return rules;
    }

    /**
     * The built-in rules and those of {@code config.rulesFile()}.
     *
     * @throws ConfigException when the rules file is invalid or reuses a built-in rule id
     */
    public static List<Rule> load(WafConfig config) {
        List<Rule> rules = builtIn();
        if (config.rulesFile().isPresent()) {
            List<Rule> custom = RulesFileLoader.load(config.rulesFile().get());
            Set<Integer> ids = new HashSet<>();
            rules.forEach(rule -> ids.add(rule.id()));
            for (ProtocolRule rule : ProtocolRule.values()) {
                ids.add(rule.id());
            }
            for (GrammarDetector detector : GrammarDetector.values()) {
                ids.add(detector.id());
            }
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < custom.size(); i++) {
                if (ids.contains(custom.get(i).id())) {
                    problems.add("rules[" + i + "].id: " + custom.get(i).id() + " is a built-in rule id; use another");
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(config.rulesFile().get().toString(), problems);
            }
            rules.addAll(custom);
        }
        return rules;
    }
}
