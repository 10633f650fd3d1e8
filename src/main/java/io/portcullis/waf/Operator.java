package io.portcullis.waf;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * How a rule compares a normalised value with its patterns. Every operator runs in time linear in the
 * value: regular expressions are compiled with RE2/J, which has no backtracking.
 */
public enum Operator {
    /** An RE2 regular expression found anywhere in the value (case-insensitive). */
    REGEX,
    /** Any of the patterns occurs in the value. */
    CONTAINS,
    /** Any of the patterns occurs as a whole word (not inside a longer identifier). */
    WORDS,
    /** The value equals one of the patterns. */
    EQUALS,
    /** The value starts with one of the patterns. */
    STARTS_WITH,
    /** The value ends with one of the patterns. */
    ENDS_WITH;

    private static final String WORD_EDGE_BEFORE = "(?:^|[^a-z0-9_])";
    private static final String WORD_EDGE_AFTER = "(?:[^a-z0-9_]|$)";

    public static Optional<Operator> named(String name) {
        return EnumNames.named(Operator.class, name);
    }

    /**
     * Compiles the patterns into a predicate on a value. Non-regex comparisons are case-insensitive.
     *
     * @throws PatternSyntaxException when a {@link #REGEX} pattern is not valid RE2 syntax
     */
    public Predicate<String> compile(List<String> patterns) {
        return compile(patterns, true);
    }

    /**
     * Compiles the patterns. With {@code caseInsensitive} false the value is expected in lower case already
     * (every transform but {@code none} lower-cases), which lets RE2/J use its fast literal-prefix search.
     */
    public Predicate<String> compile(List<String> patterns, boolean caseInsensitive) {
        List<String> lower = new ArrayList<>(patterns.size());
        for (String pattern : patterns) {
            lower.add(pattern.toLowerCase(Locale.ROOT));
        }
        return switch (this) {
            case REGEX -> {
                Pattern regex = Pattern.compile(source(patterns), caseInsensitive ? Pattern.CASE_INSENSITIVE : 0);
                yield value -> regex.matcher(value).find();
            }
            case WORDS -> {
                StringBuilder alternation = new StringBuilder();
                for (String word : lower) {
                    alternation.append(alternation.length() == 0 ? "" : "|").append(Pattern.quote(word));
                }
                Pattern regex = Pattern.compile(
                        WORD_EDGE_BEFORE + "(?:" + alternation + ")" + WORD_EDGE_AFTER,
                        caseInsensitive ? Pattern.CASE_INSENSITIVE : 0);
                yield value -> regex.matcher(value).find();
            }
            case CONTAINS ->
                value -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    for (String p : lower) {
                        if (v.contains(p)) {
                            return true;
                        }
                    }
                    return false;
                };
            case EQUALS -> value -> lower.contains(value.toLowerCase(Locale.ROOT));
            case STARTS_WITH ->
                value -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    return lower.stream().anyMatch(v::startsWith);
                };
            case ENDS_WITH ->
                value -> {
                    String v = value.toLowerCase(Locale.ROOT);
                    return lower.stream().anyMatch(v::endsWith);
                };
        };
    }

    /**
     * What every value these patterns match contains (see {@link LiteralQuery}): derived from a regular
     * expression's syntax, or the patterns themselves for the plain comparisons. {@link LiteralQuery#ALL} when
     * nothing can be said, for instance for patterns outside ASCII, whose case folding is not modelled.
     */
    public LiteralQuery required(List<String> patterns) {
        if (this == REGEX) {
            return RegexLiterals.of(source(patterns));
        }
        for (String pattern : patterns) {
            for (int i = 0; i < pattern.length(); i++) {
                if (pattern.charAt(i) >= 0x80) {
                    return LiteralQuery.ALL;
                }
            }
        }
        return LiteralQuery.anyOf(new LinkedHashSet<>(patterns));
    }

    private static String source(List<String> patterns) {
        return patterns.size() == 1 ? patterns.get(0) : "(?:" + String.join(")|(?:", patterns) + ")";
    }
}
