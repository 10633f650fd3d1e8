package io.portcullis.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The {@code waf:} section. */
public record WafConfig(
        Mode mode,
        int paranoia,
        long maxBody,
        long maxHeader,
        List<String> allowedMethods,
        Optional<Path> rulesFile,
        List<Exclusion> exclusions) {

    /** Rule families that exclusions may name. */
    public static final Set<String> RULE_FAMILIES = Set.of(
            "sqli", "xss", "lfi", "rfi", "rce", "php", "java", "ssrf", "protocol", "scanner",
            "session-fixation", "generic", "custom");

    public WafConfig {
        allowedMethods = List.copyOf(allowedMethods);
        exclusions = List.copyOf(exclusions);
    }

    public enum Mode { BLOCK, DETECT, OFF }

    /**
     * Rule families or ids switched off under a path prefix: for the whole request, or only for some of its
     * values ({@code targets}: {@code json:$.body}, {@code arg:q}, {@code header:referer}, {@code cookie:prefs},
     * {@code body}), like CRS's {@code ruleRemoveTargetById}.
     */
    public record Exclusion(String prefix, List<String> rules, List<String> targets) {
        /** How a target is written: a JSON path, an argument, a header or a cookie by name, or the raw body. */
        public static final java.util.regex.Pattern TARGET =
                java.util.regex.Pattern.compile("json:\\$(?:\\.[^.\\s\\[\\]]+)*|(?:arg|header|cookie):[^\\s]+|body");

        public Exclusion {
            rules = List.copyOf(rules);
            targets = List.copyOf(targets);
        }

        public Exclusion(String prefix, List<String> rules) {
            this(prefix, rules, List.of());
        }
    }
}
