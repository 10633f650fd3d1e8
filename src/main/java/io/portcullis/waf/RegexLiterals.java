package io.portcullis.waf;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Derives from an RE2 regular expression the {@link LiteralQuery} every match satisfies, in the manner of
 * Russ Cox's code search analysis: each piece of the expression is either a small set of exact strings
 * (a literal, a small character class, an optional literal, an alternation of those) or a condition on the
 * literals its matches contain; concatenation joins conditions with AND, alternation with OR, and anything
 * that can match an arbitrary or empty string (a large class, {@code .}, {@code *}) adds no condition;
 * an optional piece splits a concatenation into the reading without it and the one with it. {@code ^} (with
 * a following {@code \s*}) and {@code $} (with a preceding {@code \s*}) become the markers
 * {@link LiteralQuery#BEGIN} and {@link LiteralQuery#END}, so a literal can be tied to the start or end of
 * the value. Syntax it does not know, and multi-line mode, make the whole analysis give
 * {@link LiteralQuery#ALL}, which is always safe. Stateless.
 *
 * @see <a href="https://swtch.com/~rsc/regexp/regexp4.html">Regular Expression Matching with a Trigram Index</a>
 */
final class RegexLiterals {
    /**
     * The largest set of exact strings kept for a piece; beyond it the piece becomes a condition. Large
     * enough for the command-name lists of the shell rules, so {@code ^\\s*(?:cat|…)} becomes one literal per
     * command anchored at the start.
     */
    static final int MAX_EXACT = 1500;
    /**
     * The most literals one expression's query may hold; past it the lean analysis is used instead, so a few
     * rules with long lists do not fill the prefilter with variants.
     */
    static final int MAX_LITERALS = 3000;
    /** The largest product of two sets of several strings each that is kept as exact strings. */
    static final int MAX_PRODUCT = 64;
    /** How many alternative readings of one concatenation are followed (an optional piece present or not). */
    static final int MAX_PATHS = 8;
    /** A character class with more members than this is treated as "any character". */
    static final int MAX_CLASS = 16;

    private final String regex;
    /** False for the lean analysis: no split readings, no long lists prefixed by a single string. */
    private final boolean rich;

    private int pos;

    private RegexLiterals(String regex, boolean rich) {
        this.regex = regex;
        this.rich = rich;
    }

    /** The query every match of {@code regex} satisfies; {@link LiteralQuery#ALL} when none can be derived. */
    static LiteralQuery of(String regex) {
        LiteralQuery rich = of(regex, true);
        return rich.literals().size() <= MAX_LITERALS ? rich : of(regex, false);
    }

    private static LiteralQuery of(String regex, boolean rich) {
        try {
            RegexLiterals parser = new RegexLiterals(regex, rich);
            Info info = parser.alternation();
            if (parser.pos != regex.length()) {
                return LiteralQuery.ALL;
            }
            return anchored(info.query()).limited();
        } catch (Unsupported | IndexOutOfBoundsException | NumberFormatException e) {
            return LiteralQuery.ALL;
        }
    }

    /**
     * What is known of one piece: its exact strings (when few), or else a condition on its matches; for a
     * piece that may match nothing ({@code X*}), also what one occurrence of it contains.
     */
    private record Info(Set<String> exact, LiteralQuery condition, Info optional) {
        Info(Set<String> exact, LiteralQuery condition) {
            this(exact, condition, null);
        }

        static Info exactly(Set<String> strings) {
            return new Info(strings, null);
        }

        static Info anything() {
            return new Info(null, LiteralQuery.ALL);
        }

        static Info empty() {
            return exactly(Set.of(""));
        }

        LiteralQuery query() {
            return exact != null ? LiteralQuery.anyOf(exact) : condition;
        }
    }

    /** Thrown for syntax this analysis does not handle; the caller falls back to no condition. */
    private static final class Unsupported extends RuntimeException {
        Unsupported() {
            super(null, null, false, false);
        }
    }

    private boolean more() {
        return pos < regex.length();
    }

    private char peek() {
        return regex.charAt(pos);
    }

    private Info alternation() {
        List<Info> branches = new ArrayList<>();
        branches.add(concatenation());
        while (more() && peek() == '|') {
            pos++;
            branches.add(concatenation());
        }
        if (branches.size() == 1) {
            return branches.get(0);
        }
        Set<String> union = new LinkedHashSet<>();
        for (Info branch : branches) {
            if (branch.exact() == null) {
                union = null;
                break;
            }
            union.addAll(branch.exact());
        }
        if (union != null && union.size() <= MAX_EXACT) {
            return Info.exactly(union);
        }
        List<LiteralQuery> conditions = new ArrayList<>();
        branches.forEach(branch -> conditions.add(branch.query()));
        return new Info(null, LiteralQuery.or(conditions).limited());
    }

    /** One reading of a concatenation so far: conditions met, and the exact strings of the current run. */
    private record Reading(List<LiteralQuery> conditions, Set<String> run, boolean rich) {
        Reading then(Set<String> exact) {
            if (fits(run, exact, rich)) {
                return new Reading(conditions, product(run, exact), rich);
            }
            return new Reading(with(LiteralQuery.anyOf(run)), exact, rich);
        }

        Reading then(LiteralQuery condition) {
            List<LiteralQuery> more = with(LiteralQuery.anyOf(run));
            more.add(condition);
            return new Reading(more, Set.of(""), rich);
        }

        private List<LiteralQuery> with(LiteralQuery condition) {
            List<LiteralQuery> more = new ArrayList<>(conditions);
            more.add(condition);
            return more;
        }

        LiteralQuery query() {
            return LiteralQuery.and(with(LiteralQuery.anyOf(run)));
        }
    }

    private Info concatenation() {
        List<Reading> readings = new ArrayList<>(List.of(new Reading(List.of(), Set.of(""), rich)));
        while (more() && peek() != '|' && peek() != ')') {
            Info piece = repetition();
            boolean split = rich && readings.size() * 2 <= MAX_PATHS;
            List<Reading> next = new ArrayList<>();
            for (Reading reading : readings) {
                if (piece.exact() != null
                        && split
                        && piece.exact().contains("")
                        && piece.exact().size() > 1) {
                    // keep "optional" and "present" apart, so neither weakens what follows
                    Set<String> present = new LinkedHashSet<>(piece.exact());
                    present.remove("");
                    next.add(reading);
                    next.add(reading.then(present));
                } else if (piece.exact() != null) {
                    next.add(reading.then(piece.exact()));
                } else if (piece.optional() != null
                        && split
                        && !(piece.optional().query() instanceof LiteralQuery.All)) {
                    next.add(reading);
                    next.add(reading.then(piece.optional().query()));
                } else {
                    next.add(reading.then(piece.condition()));
                }
            }
            readings = next;
        }
        Set<String> union = new LinkedHashSet<>();
        for (Reading reading : readings) {
            if (!reading.conditions().isEmpty()) {
                union = null;
                break;
            }
            union.addAll(reading.run());
        }
        if (union != null && union.size() <= MAX_EXACT) {
            return Info.exactly(union);
        }
        List<LiteralQuery> alternatives = new ArrayList<>();
        readings.forEach(reading -> alternatives.add(reading.query()));
        return new Info(null, LiteralQuery.or(alternatives).limited());
    }

    /**
     * Whether the product of two sets is kept: when small, or when one side is a single string (a prefix or
     * suffix for a long list, which lengthens the literals without adding to them). Larger products would
     * multiply the literals the prefilter holds.
     */
    private static boolean fits(Set<String> left, Set<String> right, boolean rich) {
        long size = (long) left.size() * right.size();
        return size <= MAX_PRODUCT || rich && (left.size() == 1 || right.size() == 1) && size <= MAX_EXACT;
    }

    private static Set<String> product(Set<String> left, Set<String> right) {
        Set<String> out = new LinkedHashSet<>();
        for (String a : left) {
            for (String b : right) {
                out.add(a + b);
            }
        }
        return out;
    }

    private Info repetition() {
        Info atom = atom();
        while (more()) {
            char c = peek();
            int min;
            int max;
            if (c == '*' || c == '+' || c == '?') {
                pos++;
                min = c == '+' ? 1 : 0;
                max = c == '?' ? 1 : -1;
            } else if (c == '{' && repeatEnd() > 0) {
                int end = repeatEnd();
                String spec = regex.substring(pos + 1, end);
                int comma = spec.indexOf(',');
                min = Integer.parseInt(comma < 0 ? spec : spec.substring(0, comma));
                max = comma < 0 ? min : comma == spec.length() - 1 ? -1 : Integer.parseInt(spec.substring(comma + 1));
                pos = end + 1;
            } else {
                break;
            }
            if (more() && peek() == '?') {
                pos++;
            }
            atom = repeated(atom, min, max);
        }
        return atom;
    }

    /** The index of the closing brace when a repeat {@code {n}}, {@code {n,}} or {@code {n,m}} starts at pos, else -1. */
    private int repeatEnd() {
        int i = pos + 1;
        int digits = 0;
        while (i < regex.length() && Character.isDigit(regex.charAt(i))) {
            i++;
            digits++;
        }
        if (digits == 0 || i >= regex.length()) {
            return -1;
        }
        if (regex.charAt(i) == ',') {
            i++;
            while (i < regex.length() && Character.isDigit(regex.charAt(i))) {
                i++;
            }
        }
        return i < regex.length() && regex.charAt(i) == '}' ? i : -1;
    }

    private static Info repeated(Info atom, int min, int max) {
        if (min == 1 && max == 1) {
            return atom;
        }
        if (atom.exact() != null && !atom.exact().isEmpty() && SPACE.containsAll(atom.exact())) {
            // a run of white space folds to one character
            return min == 0 ? Info.exactly(SPACE_OR_NOTHING) : Info.exactly(SPACE);
        }
        if (min == 0) {
            if (max == 1 && atom.exact() != null && atom.exact().size() < MAX_EXACT) {
                Set<String> optional = new LinkedHashSet<>(atom.exact());
                optional.add("");
                return Info.exactly(optional);
            }
            return new Info(null, LiteralQuery.ALL, max == 0 ? null : atom);
        }
        // at least one occurrence: whatever one occurrence must contain, the repetition contains too
        return new Info(null, atom.query());
    }

    private Info atom() {
        char c = peek();
        switch (c) {
            case '(':
                return group();
            case '[':
                return characterClass();
            case '\\':
                return escape();
            case '.':
                pos++;
                return Info.anything();
            case '^':
                pos++;
                // ^\s* : the value's start once leading white space is skipped, as the prefilter sees it
                if (regex.startsWith("\\s*", pos)) {
                    pos += 3;
                    if (more() && peek() == '?') {
                        pos++;
                    }
                }
                return Info.exactly(Set.of(String.valueOf(LiteralQuery.BEGIN)));
            case '$':
                pos++;
                return Info.exactly(Set.of(String.valueOf(LiteralQuery.END)));
            case '*':
            case '+':
            case '?':
                throw new Unsupported();
            default:
                pos++;
                return character(c);
        }
    }

    private static Info character(int c) {
        // outside ASCII, case folding has orbits this analysis does not model; characters without case are safe
        if (c >= 0x80
                && (c > 0xffff
                        || Character.isLetter(c)
                        || Character.toLowerCase(c) != c
                        || Character.toUpperCase(c) != c
                        || Character.toTitleCase(c) != c)) {
            return Info.anything();
        }
        if (c < 0x80 && LiteralQuery.isSpace((char) c)) {
            return Info.exactly(Set.of(c == '\n' || c == '\r' ? "\n" : " "));
        }
        return Info.exactly(Set.of(String.valueOf(LiteralQuery.fold((char) c))));
    }

    private Info group() {
        pos++;
        if (more() && peek() == '?') {
            pos++;
            if (peek() == 'P' || peek() == '<') {
                int close = regex.indexOf('>', pos);
                if (close < 0) {
                    throw new Unsupported();
                }
                pos = close + 1;
            } else {
                // flags: (?i) (?s-m) alone, or (?i: … ) and (?: … ) as a group; flags do not change the analysis
                while (more() && "imsU-".indexOf(peek()) >= 0) {
                    if (peek() == 'm') {
                        // ^ and $ at every line break: the start and end markers would not hold
                        throw new Unsupported();
                    }
                    pos++;
                }
                if (peek() == ')') {
                    pos++;
                    return Info.empty();
                }
                if (peek() != ':') {
                    throw new Unsupported();
                }
                pos++;
            }
        }
        Info inner = alternation();
        if (!more() || peek() != ')') {
            throw new Unsupported();
        }
        pos++;
        return inner;
    }

    private Info escape() {
        if (regex.startsWith("\\s*$", pos) || regex.startsWith("\\s*?$", pos)) {
            pos = regex.indexOf('$', pos) + 1;
            return Info.exactly(Set.of(String.valueOf(LiteralQuery.END)));
        }
        pos++;
        char e = regex.charAt(pos++);
        switch (e) {
            case 'b':
            case 'B':
                return Info.empty();
            case 'A':
                return Info.exactly(Set.of(String.valueOf(LiteralQuery.BEGIN)));
            case 'z':
                return Info.exactly(Set.of(String.valueOf(LiteralQuery.END)));
            case 'd':
                return members(digits());
            case 's':
                // a run of white space folds to one space, or one newline when it holds a line break
                return Info.exactly(SPACE);
            case 'D':
            case 'w':
            case 'W':
            case 'S':
            case 'C':
                return Info.anything();
            case 'p':
            case 'P':
                skipUnicodeClass();
                return Info.anything();
            case 'Q': {
                int end = regex.indexOf("\\E", pos);
                String quoted = end < 0 ? regex.substring(pos) : regex.substring(pos, end);
                pos = end < 0 ? regex.length() : end + 2;
                Set<String> run = Set.of("");
                for (int i = 0; i < quoted.length(); i++) {
                    Info one = character(quoted.charAt(i));
                    if (one.exact() == null) {
                        return Info.anything();
                    }
                    run = product(run, one.exact());
                }
                return Info.exactly(run);
            }
            default:
                return character(escapedCharacter(e));
        }
    }

    /** The character an escape other than a class or an assertion stands for; pos is after the escape letter. */
    private int escapedCharacter(char e) {
        switch (e) {
            case 'n':
                return '\n';
            case 't':
                return '\t';
            case 'r':
                return '\r';
            case 'f':
                return '\f';
            case 'v':
                return 0x0b;
            case 'a':
                return 0x07;
            case 'x': {
                if (peek() == '{') {
                    int close = regex.indexOf('}', pos);
                    int code = Integer.parseInt(regex.substring(pos + 1, close), 16);
                    pos = close + 1;
                    return code;
                }
                int code = Integer.parseInt(regex.substring(pos, pos + 2), 16);
                pos += 2;
                return code;
            }
            default:
                if (e >= '0' && e <= '7') {
                    int code = e - '0';
                    for (int k = 0; k < 2 && more() && peek() >= '0' && peek() <= '7'; k++) {
                        code = code * 8 + (regex.charAt(pos++) - '0');
                    }
                    return code;
                }
                if (Character.isLetterOrDigit(e)) {
                    throw new Unsupported();
                }
                return e;
        }
    }

    private void skipUnicodeClass() {
        if (peek() == '{') {
            pos = regex.indexOf('}', pos) + 1;
            if (pos == 0) {
                throw new Unsupported();
            }
        } else {
            pos++;
        }
    }

    private static Set<Integer> digits() {
        Set<Integer> out = new LinkedHashSet<>();
        for (int d = '0'; d <= '9'; d++) {
            out.add(d);
        }
        return out;
    }

    private Info characterClass() {
        pos++;
        if (peek() == '^') {
            skipClassBody();
            return Info.anything();
        }
        Set<Integer> members = new LinkedHashSet<>();
        boolean first = true;
        boolean large = false;
        while (first || peek() != ']') {
            first = false;
            if (peek() == '[' && pos + 1 < regex.length() && regex.charAt(pos + 1) == ':') {
                int close = regex.indexOf(":]", pos + 2);
                if (close < 0) {
                    throw new Unsupported();
                }
                pos = close + 2;
                large = true;
                continue;
            }
            int low = classCharacter();
            if (low < 0) {
                large |= low == CLASS_LARGE;
                if (low == CLASS_DIGITS) {
                    members.addAll(digits());
                } else if (low == CLASS_SPACE) {
                    members.add((int) ' ');
                    members.add((int) '\n');
                }
                continue;
            }
            int high = low;
            if (peek() == '-' && pos + 1 < regex.length() && regex.charAt(pos + 1) != ']') {
                pos++;
                high = classCharacter();
                if (high < low) {
                    throw new Unsupported();
                }
            }
            if (high - low >= MAX_CLASS) {
                large = true;
                continue;
            }
            for (int c = low; c <= high; c++) {
                members.add(c);
            }
        }
        pos++;
        return large ? Info.anything() : members(members);
    }

    private static final int CLASS_LARGE = -1;
    private static final int CLASS_DIGITS = -2;
    private static final int CLASS_SPACE = -3;
    /** What white space folds to (see {@link LiteralQuery#fold(String)}). */
    private static final Set<String> SPACE = Set.of(" ", "\n");

    private static final Set<String> SPACE_OR_NOTHING = Set.of("", " ", "\n");

    /** One character of a class, or CLASS_LARGE / CLASS_DIGITS for a class escape. */
    private int classCharacter() {
        char c = regex.charAt(pos++);
        if (c != '\\') {
            return c;
        }
        char e = regex.charAt(pos++);
        switch (e) {
            case 'd':
                return CLASS_DIGITS;
            case 's':
                return CLASS_SPACE;
            case 'D':
            case 'w':
            case 'W':
            case 'S':
                return CLASS_LARGE;
            case 'p':
            case 'P':
                skipUnicodeClass();
                return CLASS_LARGE;
            default:
                return escapedCharacter(e);
        }
    }

    private void skipClassBody() {
        boolean first = true;
        while (first || peek() != ']') {
            first = false;
            if (peek() == '[' && pos + 1 < regex.length() && regex.charAt(pos + 1) == ':') {
                pos = regex.indexOf(":]", pos + 2) + 2;
                if (pos == 1) {
                    throw new Unsupported();
                }
            } else if (peek() == '\\') {
                pos += 2;
                if (regex.charAt(pos - 1) == 'p' || regex.charAt(pos - 1) == 'P' || regex.charAt(pos - 1) == 'x') {
                    classCharacterAfterEscape(regex.charAt(pos - 1));
                }
            } else {
                pos++;
            }
        }
        pos++;
    }

    private void classCharacterAfterEscape(char e) {
        if (e == 'x') {
            escapedCharacter(e);
        } else {
            skipUnicodeClass();
        }
    }

    private static Info members(Set<Integer> characters) {
        Set<String> out = new LinkedHashSet<>();
        for (int c : characters) {
            Info one = character(c);
            if (one.exact() == null) {
                return Info.anything();
            }
            out.addAll(one.exact());
        }
        return out.size() > MAX_CLASS ? Info.anything() : Info.exactly(out);
    }

    /**
     * The prefilter marks the start and end of a value with its surrounding white space ({@code \s}) removed.
     * A literal whose start marker is followed by white space (or end marker preceded by it) could never be
     * found there, so such a marker is cut off, which keeps the rest of the literal as a plain one.
     */
    private static LiteralQuery anchored(LiteralQuery query) {
        if (query instanceof LiteralQuery.AnyOf any) {
            Set<String> literals = new LinkedHashSet<>();
            for (String literal : any.literals()) {
                String kept = literal;
                int begin = kept.lastIndexOf(LiteralQuery.BEGIN);
                if (begin >= 0 && begin + 1 < kept.length() && LiteralQuery.isSpace(kept.charAt(begin + 1))) {
                    kept = kept.substring(begin + 1);
                }
                int end = kept.indexOf(LiteralQuery.END);
                if (end > 0 && LiteralQuery.isSpace(kept.charAt(end - 1))) {
                    kept = kept.substring(0, end);
                }
                literals.add(kept);
            }
            return LiteralQuery.anyOf(literals);
        }
        List<LiteralQuery> parts = new ArrayList<>();
        if (query instanceof LiteralQuery.And and) {
            and.parts().forEach(part -> parts.add(anchored(part)));
            return LiteralQuery.and(parts);
        }
        if (query instanceof LiteralQuery.Or or) {
            or.parts().forEach(part -> parts.add(anchored(part)));
            return LiteralQuery.or(parts);
        }
        return query;
    }
}
