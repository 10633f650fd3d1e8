package io.portcullis.waf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.re2j.PatternSyntaxException;
import io.portcullis.config.ConfigException;
import io.portcullis.config.WafConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Reads rules written in the WAF rule format (YAML): a {@code rules:} list, each rule with {@code id},
 * {@code family}, {@code targets}, {@code transform}, {@code operator}, {@code pattern} (or {@code patterns}),
 * {@code score} and {@code paranoia}, and optional file-wide {@code defaults:}. The built-in rules use the
 * same format. Every problem in a file is collected and reported at once as a {@link ConfigException}
 * naming the file and the key path. Stateless and thread-safe.
 */
public final class RulesFileLoader {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> RULE_KEYS = Set.of(
            "id", "family", "message", "targets", "transform", "operator", "pattern", "patterns", "score", "paranoia");
    private static final Set<String> DEFAULT_KEYS =
            Set.of("family", "targets", "transform", "operator", "score", "paranoia");
    private static final int MAX_ID = 999_999;

    private RulesFileLoader() {}

    /** Loads an operator's rules file. */
    public static List<Rule> load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(file.toString(), in);
        } catch (IOException e) {
            throw new ConfigException(file.toString(), List.of("cannot read the rules file: " + e.getMessage()));
        }
    }

    /** Loads rules from a classpath resource (the built-in rules). */
    static List<Rule> loadResource(String name) {
        try (InputStream in = RulesFileLoader.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing built-in WAF rules " + name);
            }
            return parse("classpath:" + name, in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read built-in WAF rules " + name, e);
        }
    }

    /** Parses rules from a stream; {@code source} names it in error messages. */
    public static List<Rule> parse(String source, InputStream in) {
        JsonNode root;
        try {
            root = YAML.readTree(in);
        } catch (IOException e) {
            throw new ConfigException(source, List.of("not valid YAML: " + firstLine(e.getMessage())));
        }
        List<String> problems = new ArrayList<>();
        List<Rule> rules = new ArrayList<>();
        if (root == null || !root.isObject()) {
            throw new ConfigException(source, List.of("must be a mapping with a rules: list"));
        }
        unknownKeys(root, Set.of("defaults", "rules"), "", problems);
        JsonNode defaults = root.path("defaults");
        if (!defaults.isMissingNode() && !defaults.isObject()) {
            problems.add("defaults: must be a mapping");
            defaults = YAML.createObjectNode();
        }
        unknownKeys(defaults, DEFAULT_KEYS, "defaults.", problems);
        JsonNode list = root.path("rules");
        if (!list.isArray() || list.isEmpty()) {
            problems.add("rules: must be a non-empty list of rules");
        } else {
            Set<Integer> ids = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                String path = "rules[" + i + "].";
                JsonNode node = list.get(i);
                if (!node.isObject()) {
                    problems.add("rules[" + i + "]: must be a mapping");
                    continue;
                }
                unknownKeys(node, RULE_KEYS, path, problems);
                rule(node, defaults, path, problems).ifPresent(rule -> {
                    if (!ids.add(rule.id())) {
                        problems.add(path + "id: duplicate rule id " + rule.id());
                    }
                    rules.add(rule);
                });
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return List.copyOf(rules);
    }

    private static Optional<Rule> rule(JsonNode node, JsonNode defaults, String path, List<String> problems) {
        int before = problems.size();
        JsonNode idNode = node.path("id");
        int id = 0;
        if (!idNode.canConvertToInt() || !idNode.isIntegralNumber() || idNode.asInt() < 1 || idNode.asInt() > MAX_ID) {
            problems.add(path + "id: must be a whole number from 1 to " + MAX_ID + " (was " + shown(idNode) + ")");
        } else {
            id = idNode.asInt();
        }
        String family = text(node, defaults, "family").orElse("custom");
        if (!WafConfig.RULE_FAMILIES.contains(family)) {
            problems.add(path + "family: unknown rule family (was \"" + family + "\"); families: "
                    + String.join(", ", new TreeSet<>(WafConfig.RULE_FAMILIES)));
        }
        String message = node.path("message").asText("");

        List<TargetSpec> targets = new ArrayList<>();
        JsonNode targetNode = pick(node, defaults, "targets");
        List<String> targetNames = strings(targetNode);
        if (targetNames.isEmpty()) {
            problems.add(path + "targets: must list at least one target: " + kinds());
        }
        for (int t = 0; t < targetNames.size(); t++) {
            Optional<TargetSpec> spec = TargetSpec.parse(targetNames.get(t));
            if (spec.isEmpty()) {
                problems.add(path + "targets[" + t + "]: unknown target (was \"" + targetNames.get(t) + "\"); targets: "
                        + kinds());
            } else {
                targets.add(spec.get());
            }
        }

        String transformName = text(node, defaults, "transform").orElse("text");
        Optional<Transform> transform = Transform.named(transformName);
        if (transform.isEmpty()) {
            problems.add(path + "transform: unknown (was \"" + transformName
                    + "\"); one of text, sql, cmd, compact, path, base64, none");
        }
        String operatorName = text(node, defaults, "operator").orElse("regex");
        Optional<Operator> operator = Operator.named(operatorName);
        if (operator.isEmpty()) {
            problems.add(path + "operator: unknown (was \"" + operatorName
                    + "\"); one of regex, contains, words, equals, starts-with, ends-with");
        }

        List<String> patterns = new ArrayList<>();
        if (node.has("pattern") && node.has("patterns")) {
            problems.add(path + "pattern: give pattern or patterns, not both");
        } else if (node.has("pattern")) {
            if (!node.get("pattern").isTextual() || node.get("pattern").asText().isEmpty()) {
                problems.add(path + "pattern: must be a non-empty string (was " + shown(node.get("pattern")) + ")");
            } else {
                patterns.add(node.get("pattern").asText());
            }
        } else if (node.has("patterns")) {
            patterns.addAll(strings(node.get("patterns")));
            if (patterns.isEmpty() || patterns.stream().anyMatch(String::isEmpty)) {
                problems.add(path + "patterns: must be a non-empty list of non-empty strings");
            }
        } else {
            problems.add(path + "pattern: missing (give pattern or patterns)");
        }

        int score = score(pick(node, defaults, "score"), path, problems);
        JsonNode paranoiaNode = pick(node, defaults, "paranoia");
        int paranoia = 1;
        if (!paranoiaNode.isMissingNode()) {
            if (!paranoiaNode.isIntegralNumber() || paranoiaNode.asInt() < 1 || paranoiaNode.asInt() > 4) {
                problems.add(path + "paranoia: must be 1, 2, 3 or 4 (was " + shown(paranoiaNode) + ")");
            } else {
                paranoia = paranoiaNode.asInt();
            }
        }

        Predicate<String> matcher = null;
        LiteralQuery required = LiteralQuery.ALL;
        if (operator.isPresent() && !patterns.isEmpty()) {
            try {
                // every transform but none lower-cases the value; a pattern written with capitals still matches
                boolean caseInsensitive = transform.isEmpty()
                        || transform.get() == Transform.NONE
                        || patterns.stream().anyMatch(RulesFileLoader::hasCapitalLetter);
                matcher = operator.get().compile(patterns, caseInsensitive);
                required = operator.get().required(patterns);
            } catch (PatternSyntaxException e) {
                problems.add(
                        path + (node.has("pattern") ? "pattern" : "patterns") + ": not a valid RE2 regular expression: "
                                + e.getDescription() + " (was \"" + e.getPattern() + "\")");
            }
        }
        if (problems.size() > before) {
            return Optional.empty();
        }
        return Optional.of(new Rule(id, family, paranoia, score, targets, transform.get(), matcher, required, message));
    }

    /** True when the pattern holds a capital letter that is not part of an escape such as {@code \\S}. */
    static boolean hasCapitalLetter(String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '\\') {
                i++;
            } else if (Character.isUpperCase(c)) {
                return true;
            }
        }
        return false;
    }

    private static int score(JsonNode node, String path, List<String> problems) {
        if (node.isMissingNode()) {
            return Severity.CRITICAL.score();
        }
        if (node.isIntegralNumber() && node.asInt() >= 1 && node.asInt() <= 100) {
            return node.asInt();
        }
        if (node.isTextual()) {
            Optional<Severity> severity = Severity.named(node.asText());
            if (severity.isPresent()) {
                return severity.get().score();
            }
        }
        problems.add(path + "score: must be critical, error, warning, notice or a number from 1 to 100 (was "
                + shown(node) + ")");
        return 0;
    }

    private static JsonNode pick(JsonNode node, JsonNode defaults, String key) {
        return node.has(key) ? node.get(key) : defaults.path(key);
    }

    private static Optional<String> text(JsonNode node, JsonNode defaults, String key) {
        JsonNode value = pick(node, defaults, key);
        return value.isValueNode() ? Optional.of(value.asText()) : Optional.empty();
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node.isTextual()) {
            out.add(node.asText());
        } else if (node.isArray()) {
            node.forEach(element -> out.add(element.asText()));
        }
        return out;
    }

    private static void unknownKeys(JsonNode node, Set<String> allowed, String path, List<String> problems) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!allowed.contains(name)) {
                problems.add(path + name + ": unknown key; allowed: " + String.join(", ", new TreeSet<>(allowed)));
            }
        }
    }

    private static String kinds() {
        StringBuilder out = new StringBuilder();
        for (TargetKind kind : TargetKind.values()) {
            out.append(out.length() == 0 ? "" : ", ").append(kind.name());
        }
        return out.toString();
    }

    private static String shown(JsonNode node) {
        return node == null || node.isMissingNode()
                ? "missing"
                : node.isTextual() ? "\"" + node.asText() + "\"" : node.toString();
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
