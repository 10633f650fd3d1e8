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

    /** Rule families switched off under a path prefix. */
    public record Exclusion(String prefix, List<String> rules) {
        public Exclusion {
            rules = List.copyOf(rules);
        }
    }
}
