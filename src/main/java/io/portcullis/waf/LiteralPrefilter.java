package io.portcullis.waf;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Derives a cheap pre-check from a regular expression: literal strings of which every match must contain at
 * least one. When a value contains none of them the regular expression cannot match and is not run, which
 * spares the RE2/J automaton (linear, but not fast) on most values. The analysis is deliberately simple:
 * each top-level alternative must contain a run of plain characters outside any group, class or optional
 * quantifier, or no pre-check is made. Stateless.
 */
final class LiteralPrefilter {
    /** Even one mandatory punctuation character ((, <, quote) rules out most ordinary text. */
    static final int MIN_LITERAL = 1;

    private LiteralPrefilter() {}

    /** The literals (lower case), or empty when some alternative has no usable literal. */
    static Optional<List<String>> of(String regex) {
        List<String> literals = new ArrayList<>();
        for (String branch : topLevelBranches(regex)) {
            String literal = longestLiteral(branch);
            if (literal.length() < MIN_LITERAL) {
                return Optional.empty();
            }
            literals.add(literal);
        }
        return literals.isEmpty() ? Optional.empty() : Optional.of(List.copyOf(literals));
    }

    private static List<String> topLevelBranches(String regex) {
        List<String> branches = new ArrayList<>();
        int depth = 0;
        boolean inClass = false;
        int start = 0;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if (c == '\\') {
                i++;
            } else if (inClass) {
                if (c == ']') {
                    inClass = false;
                }
            } else if (c == '[') {
                inClass = true;
                if (i + 1 < regex.length() && regex.charAt(i + 1) == ']') {
                    i++;
                }
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            } else if (c == '|' && depth == 0) {
                branches.add(regex.substring(start, i));
                start = i + 1;
            }
        }
        branches.add(regex.substring(start));
        return branches;
    }

    private static String longestLiteral(String branch) {
        String best = "";
        StringBuilder run = new StringBuilder();
        int i = 0;
        int n = branch.length();
        while (i < n) {
            char c = branch.charAt(i);
            int next;
            Character literal = null;
            if (c == '\\' && i + 1 < n) {
                char e = branch.charAt(i + 1);
                next = i + 2;
                if (!Character.isLetterOrDigit(e)) {
                    literal = e;
                }
            } else if (c == '[') {
                next = skipClass(branch, i);
            } else if (c == '(') {
                next = skipGroup(branch, i);
            } else if ("^$.|)".indexOf(c) >= 0) {
                next = i + 1;
            } else {
                next = i + 1;
                literal = c;
            }
            char quantifier = next < n ? branch.charAt(next) : 0;
            boolean optional = quantifier == '?' || quantifier == '*' || quantifier == '{';
            if (literal != null && !optional) {
                run.append(Character.toLowerCase(literal));
                if (quantifier == '+') {
                    best = run.length() > best.length() ? run.toString() : best;
                    run.setLength(0);
                }
            } else {
                best = run.length() > best.length() ? run.toString() : best;
                run.setLength(0);
            }
            i = next;
            if (optional || quantifier == '+') {
                i = skipQuantifier(branch, i);
            }
        }
        return run.length() > best.length() ? run.toString() : best;
    }

    private static int skipClass(String s, int i) {
        int j = i + 1;
        if (j < s.length() && s.charAt(j) == '^') {
            j++;
        }
        if (j < s.length() && s.charAt(j) == ']') {
            j++;
        }
        while (j < s.length() && s.charAt(j) != ']') {
            j += s.charAt(j) == '\\' ? 2 : 1;
        }
        return j + 1;
    }

    private static int skipGroup(String s, int i) {
        int depth = 0;
        for (int j = i; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') {
                j++;
            } else if (c == '[') {
                j = skipClass(s, j) - 1;
            } else if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return j + 1;
            }
        }
        return s.length();
    }

    private static int skipQuantifier(String s, int i) {
        if (i >= s.length()) {
            return i;
        }
        int j = i;
        if (s.charAt(j) == '{') {
            int close = s.indexOf('}', j);
            j = close < 0 ? s.length() : close + 1;
        } else {
            j++;
        }
        if (j < s.length() && s.charAt(j) == '?') {
            j++;
        }
        return j;
    }
}
