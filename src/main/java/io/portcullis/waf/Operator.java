package io.portcullis.waf;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
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
     * (every transform but {@code none} lower-cases), which lets RE2/J use its fast literal-prefix search; a
     * regular expression also gets a {@link LiteralPrefilter} pre-check when one can be derived.
     */
    public Predicate<String> compile(List<String> patterns, boolean caseInsensitive) {
        List<String> lower = new ArrayList<>(patterns.size());
        for (String pattern : patterns) {
            lower.add(pattern.toLowerCase(Locale.ROOT));
        }
        return switch (this) {
            case REGEX -> {
                String source = patterns.size() == 1 ? patterns.get(0) : "(?:" + String.join(")|(?:", patterns) + ")";
                Pattern regex = Pattern.compile(source, caseInsensitive ? Pattern.CASE_INSENSITIVE : 0);
                java.util.Optional<List<String>> literals = caseInsensitive ? java.util.Optional.empty() : LiteralPrefilter.of(source);
                if (literals.isEmpty()) {
                    yield value -> regex.matcher(value).find();
                }
                List<String> required = literals.get();
                yield value -> {
                    for (String literal : required) {
                        if (value.contains(literal)) {
                            return regex.matcher(value).find();
                        }
                    }
                    return false;
                };
            }
            case WORDS -> {
                StringBuilder alternation = new StringBuilder();
                for (String word : lower) {
                    alternation.append(alternation.length() == 0 ? "" : "|").append(Pattern.quote(word));
                }
                Pattern regex = Pattern.compile(WORD_EDGE_BEFORE + "(?:" + alternation + ")" + WORD_EDGE_AFTER,
                        caseInsensitive ? Pattern.CASE_INSENSITIVE : 0);
                yield value -> regex.matcher(value).find();
            }
            case CONTAINS -> value -> {
                String v = value.toLowerCase(Locale.ROOT);
                for (String p : lower) {
                    if (v.contains(p)) {
                        return true;
                    }
                }
                return false;
            };
            case EQUALS -> value -> lower.contains(value.toLowerCase(Locale.ROOT));
            case STARTS_WITH -> value -> {
                String v = value.toLowerCase(Locale.ROOT);
                return lower.stream().anyMatch(v::startsWith);
            };
            case ENDS_WITH -> value -> {
                String v = value.toLowerCase(Locale.ROOT);
                return lower.stream().anyMatch(v::endsWith);
            };
        };
    }
}
