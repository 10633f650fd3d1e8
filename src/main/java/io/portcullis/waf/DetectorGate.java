package io.portcullis.waf;

/**
 * A cheap test, on a value's {@code text} form, of whether a grammar detector could find anything in it: each
 * detector's every hit needs certain characters or words, and a value without them (an id, a number, a UUID, a
 * date, a word or two of a search) is answered without building the detector's form or tokenizing it. The
 * conditions are necessary, not sufficient — a value that passes is judged by the detector as before — so the
 * gate never changes a verdict ({@code DetectorGateTest} compares gated and ungated verdicts on every value of
 * every corpus). One pass over the value, no allocation but for short words that may be SQL words. Stateless.
 */
final class DetectorGate {
    private DetectorGate() {}

    /**
     * Whether the SQL detector could find an injection in this value (the {@code text} form, or the same with
     * passages blanked). Every shape it judges needs a quote (the string contexts), {@code ;}, a comment
     * ({@code #}, {@code --}, {@code /*}), {@code &&}, or a word it reads as SQL ({@code union}, a statement, a
     * logical operator, a clause keyword); without them the tokens are only names, numbers, operators and
     * punctuation, which never make a shape.
     */
    static boolean sql(String value) {
        int n = value.length();
        int i = 0;
        while (i < n) {
            char c = value.charAt(i);
            switch (c) {
                case '\'', '"', ';', '#' -> {
                    return true;
                }
                case '-', '&' -> {
                    if (i + 1 < n && value.charAt(i + 1) == c) {
                        return true;
                    }
                }
                case '/' -> {
                    if (i + 1 < n && value.charAt(i + 1) == '*') {
                        return true;
                    }
                }
                default -> {}
            }
            if (SqlInjectionDetector.isWordChar(c)) {
                int start = i;
                while (i < n && SqlInjectionDetector.isWordChar(value.charAt(i))) {
                    i++;
                }
                if (i - start >= 2
                        && i - start <= SqlInjectionDetector.LONGEST_SQL_WORD
                        && SqlInjectionDetector.isSqlWord(value.substring(start, i))) {
                    return true;
                }
                continue;
            }
            i++;
        }
        return false;
    }

    /**
     * Whether the HTML detector could find script in this value: a tag needs {@code <}, a {@code javascript:}
     * URL a colon, an attribute break-out a quote or backtick.
     */
    static boolean html(String value) {
        for (int i = 0; i < value.length(); i++) {
            switch (value.charAt(i)) {
                case '<', ':', '\'', '"', '`' -> {
                    return true;
                }
                default -> {}
            }
        }
        return false;
    }

    /**
     * Whether the shell detector could find a command in this value, judged on the {@code text} form from which
     * its {@code cmd} form is made (that form only removes characters and turns white space and {@code $IFS}
     * into spaces): a command after a separator needs {@code ;}, {@code |}, {@code &} or a line break, a
     * substitution {@code $}, a backtick, {@code <} or {@code >}, and a command line or a cmd.exe statement
     * needs a blank between its words.
     */
    static boolean shell(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case ';', '|', '&', '$', '`', '<', '>' -> {
                    return true;
                }
                default -> {
                    if (Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u000b') {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Whether a cmd.exe {@code for}/{@code if} statement could be in the value: both need their keyword.
     */
    static boolean batch(String value) {
        return value.contains("for") || value.contains("if");
    }
}
