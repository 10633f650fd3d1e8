package io.portcullis.waf;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What every value a rule matches must contain, as a condition on literal strings: a value that does not
 * satisfy the query cannot match, so the rule need not run on it. Literals are folded with
 * {@link #fold(String)} (case, and white space as single spaces, so {@code \\s+} is one space); the value is
 * folded the same way when it is searched. A query only ever says "cannot
 * match", never "matches": {@link #ALL} (no condition) is always safe. Immutable and thread-safe.
 */
public sealed interface LiteralQuery {
    /** No condition: every value may match. */
    LiteralQuery ALL = new All();
    /** Stands for the start of a value, after its leading white space (a Unicode noncharacter). */
    char BEGIN = '\ufdd0';
    /** Stands for the end of a value, before its trailing white space. */
    char END = '\ufdd1';

    /** Sets up to this size drop literals implied by shorter ones (a quadratic step, so not for the long lists). */
    int MINIMISE_UP_TO = 200;
    /** The most nodes a query keeps; a larger one is weakened (see {@link #limited}), which is always safe. */
    int MAX_NODES = 128;

    /** RE2's {@code \s}: the white space skipped before {@link #BEGIN} and after {@link #END}. */
    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }

    /** The case folding of literals and values: ASCII and Unicode lower case, and the long s as {@code s}. */
    static char fold(char c) {
        if (c < 0x80) {
            return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
        }
        // RE2's case folding puts U+017F (long s) with s, and U+212A (Kelvin) with k; toLowerCase covers the Kelvin
        // sign
        return c == '\u017f' ? 's' : Character.toLowerCase(c);
    }

    /**
     * The folded form of a literal or value: each character {@link #fold(char) case-folded}, and each run of
     * {@link #isSpace} characters as one newline when it holds a line break, else as one space. So
     * {@code \\s+} reads as one space or one newline, and a literal can span white space.
     */
    static String fold(String literal) {
        String spaced = foldSpaces(literal);
        StringBuilder out = new StringBuilder(spaced.length());
        for (int i = 0; i < spaced.length(); i++) {
            out.append(fold(spaced.charAt(i)));
        }
        return out.toString();
    }

    /** The white space part of {@link #fold(String)} alone; the value itself when there is nothing to change. */
    static String foldSpaces(String value) {
        if (spacesFolded(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        int n = value.length();
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if (!isSpace(c)) {
                out.append(c);
                continue;
            }
            boolean lineBreak = false;
            for (; i < n && isSpace(value.charAt(i)); i++) {
                lineBreak |= value.charAt(i) == '\n' || value.charAt(i) == '\r';
            }
            i--;
            out.append(lineBreak ? '\n' : ' ');
        }
        return out.toString();
    }

    /** True when {@link #fold(String)} leaves every white space character of {@code value} as it is. */
    static boolean spacesFolded(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= ' '
                    && isSpace(c)
                    && (c == '\t'
                            || c == '\r'
                            || c == '\f'
                            || i > 0 && isSpace(value.charAt(i - 1))
                            || i + 1 < value.length() && isSpace(value.charAt(i + 1)))) {
                return false;
            }
        }
        return true;
    }

    /** A folded value without its leading and trailing space or newline. */
    static String strip(String folded) {
        int from = 0;
        int to = folded.length();
        while (from < to && isSpace(folded.charAt(from))) {
            from++;
        }
        while (to > from && isSpace(folded.charAt(to - 1))) {
            to--;
        }
        return folded.substring(from, to);
    }

    /**
     * The value contains at least one of {@code literals}; {@link #ALL} when one of them is empty or a lone
     * marker (every value has a start and an end).
     */
    static LiteralQuery anyOf(Set<String> literals) {
        if (literals.isEmpty()
                || literals.contains("")
                || literals.contains(String.valueOf(BEGIN))
                || literals.contains(String.valueOf(END))
                || literals.contains(String.valueOf(BEGIN) + END)) {
            return ALL;
        }
        Set<String> folded = new LinkedHashSet<>();
        for (String literal : literals) {
            folded.add(fold(literal));
        }
        if (folded.size() > MINIMISE_UP_TO) {
            return new AnyOf(Set.copyOf(folded));
        }
        // a literal containing another one is implied by it
        Set<String> minimal = new LinkedHashSet<>();
        for (String literal : folded) {
            boolean implied = false;
            for (String other : folded) {
                if (!other.equals(literal) && literal.contains(other)) {
                    implied = true;
                    break;
                }
            }
            if (!implied) {
                minimal.add(literal);
            }
        }
        return new AnyOf(Set.copyOf(minimal));
    }

    /** Every one of {@code parts} holds. */
    static LiteralQuery and(List<LiteralQuery> parts) {
        Set<LiteralQuery> kept = new LinkedHashSet<>();
        for (LiteralQuery part : parts) {
            if (part instanceof And and) {
                kept.addAll(and.parts());
            } else if (!(part instanceof All)) {
                kept.add(part);
            }
        }
        return kept.isEmpty() ? ALL : kept.size() == 1 ? kept.iterator().next() : new And(List.copyOf(kept));
    }

    /** At least one of {@code parts} holds. */
    static LiteralQuery or(List<LiteralQuery> parts) {
        Set<String> literals = new LinkedHashSet<>();
        Set<LiteralQuery> distinct = new LinkedHashSet<>();
        for (LiteralQuery part : parts) {
            if (part instanceof All) {
                return ALL;
            } else if (part instanceof AnyOf any) {
                literals.addAll(any.literals());
            } else if (part instanceof Or or) {
                distinct.addAll(or.parts());
            } else {
                distinct.add(part);
            }
        }
        List<LiteralQuery> others = new ArrayList<>(distinct);
        if (!literals.isEmpty()) {
            others.add(anyOf(literals));
        }
        // absorption: (a AND b) OR a is a
        List<LiteralQuery> kept = new ArrayList<>();
        for (LiteralQuery part : others) {
            boolean absorbed = false;
            for (LiteralQuery other : others) {
                if (other != part
                        && parts(part).containsAll(parts(other))
                        && (!parts(other).containsAll(parts(part)) || others.indexOf(other) < others.indexOf(part))) {
                    absorbed = true;
                    break;
                }
            }
            if (!absorbed) {
                kept.add(part);
            }
        }
        return kept.isEmpty() ? ALL : kept.size() == 1 ? kept.get(0) : new Or(List.copyOf(kept));
    }

    private static Set<LiteralQuery> parts(LiteralQuery query) {
        return query instanceof And and ? new HashSet<>(and.parts()) : Set.of(query);
    }

    /** Every literal the query mentions. */
    Set<String> literals();

    /** How many nodes the query has. */
    default int size() {
        if (this instanceof And and) {
            return 1 + and.parts().stream().mapToInt(LiteralQuery::size).sum();
        }
        if (this instanceof Or or) {
            return 1 + or.parts().stream().mapToInt(LiteralQuery::size).sum();
        }
        return 1;
    }

    /**
     * A query of at most {@link #MAX_NODES} nodes that every value satisfying this one satisfies: the
     * condition of a large AND part or OR is replaced by its {@link #strongest} single set of literals.
     */
    default LiteralQuery limited() {
        if (size() <= MAX_NODES) {
            return this;
        }
        if (this instanceof And and) {
            List<LiteralQuery> parts = new ArrayList<>();
            for (LiteralQuery part : and.parts()) {
                parts.add(part.size() == 1 ? part : part.strongest());
            }
            LiteralQuery smaller = and(parts);
            return smaller.size() <= MAX_NODES ? smaller : strongest();
        }
        return strongest();
    }

    /** One set of literals implied by this query: of an AND the most selective part, of an OR the union. */
    default LiteralQuery strongest() {
        if (this instanceof And and) {
            LiteralQuery best = ALL;
            for (LiteralQuery part : and.parts()) {
                LiteralQuery candidate = part.strongest();
                if (selectivity(candidate) > selectivity(best)) {
                    best = candidate;
                }
            }
            return best;
        }
        if (this instanceof Or or) {
            List<LiteralQuery> parts = new ArrayList<>();
            or.parts().forEach(part -> parts.add(part.strongest()));
            return or(parts);
        }
        return this;
    }

    /** How rarely a set of literals is likely to occur: its shortest literal's length, a marker counting as 4. */
    private static int selectivity(LiteralQuery query) {
        if (!(query instanceof AnyOf any)) {
            return 0;
        }
        int weakest = Integer.MAX_VALUE;
        for (String literal : any.literals()) {
            int weight = literal.length();
            for (int i = 0; i < literal.length(); i++) {
                if (literal.charAt(i) == BEGIN || literal.charAt(i) == END) {
                    weight += 3;
                }
            }
            weakest = Math.min(weakest, weight);
        }
        return weakest;
    }

    /**
     * True when {@code value} satisfies the query: the reference evaluation, a plain substring search per
     * literal. {@link RulePrefilter} gives the same answer from one pass over the value for all rules at once.
     */
    boolean admits(String value);

    /** No condition. */
    record All() implements LiteralQuery {
        @Override
        public Set<String> literals() {
            return Set.of();
        }

        @Override
        public boolean admits(String value) {
            return true;
        }

        @Override
        public String toString() {
            return "ALL";
        }
    }

    /** The value contains at least one of the (folded) literals. */
    record AnyOf(Set<String> literals) implements LiteralQuery {
        @Override
        public boolean admits(String value) {
            String folded = fold(value);
            String marked = BEGIN + strip(folded) + END;
            for (String literal : literals) {
                if (marked.contains(literal)) {
                    return true;
                }
            }
            for (String literal : literals) {
                if (folded.contains(literal)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public String toString() {
            return new TreeSet<>(literals).toString();
        }
    }

    private static Set<String> literals(List<LiteralQuery> parts) {
        Set<String> out = new LinkedHashSet<>();
        parts.forEach(part -> out.addAll(part.literals()));
        return out;
    }

    /** Every part holds. */
    record And(List<LiteralQuery> parts) implements LiteralQuery {
        @Override
        public Set<String> literals() {
            return LiteralQuery.literals(parts);
        }

        @Override
        public boolean admits(String value) {
            return parts.stream().allMatch(part -> part.admits(value));
        }

        @Override
        public String toString() {
            return "AND" + parts;
        }
    }

    /** Some part holds. */
    record Or(List<LiteralQuery> parts) implements LiteralQuery {
        @Override
        public Set<String> literals() {
            return LiteralQuery.literals(parts);
        }

        @Override
        public boolean admits(String value) {
            return parts.stream().anyMatch(part -> part.admits(value));
        }

        @Override
        public String toString() {
            return "OR" + parts;
        }
    }
}
