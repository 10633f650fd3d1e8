package io.portcullis.waf;

import java.util.Locale;

/**
 * Where a value's words come from, for scoring: prose (a sentence, a markdown comment, a review) versus a bare
 * parameter (an id, a search term, a URL). In prose a literal rule's match is weak evidence — people write
 * "select", "rm -rf" and {@code alert(} in sentences — so it needs company; code in markdown (fenced blocks,
 * inline code spans) and quoted passages are inert text and are blanked before the grammar detectors read the
 * value. Also recognises a plain loopback callback URL ({@code http://localhost:3000/callback}). Stateless.
 */
final class TextContext {
    /** Least share of letters and white space among the characters of prose. */
    static final double PROSE_LETTER_SHARE = 0.7;

    /** Longest inline code span or quoted passage blanked. */
    static final int MAX_QUOTED = 512;

    private TextContext() {}

    /** How a value reads. */
    enum Kind {
        /** A parameter: an id, a name, a URL, a token, a payload. */
        BARE,
        /** A few words of text: a search, a title. Literal SQL, XSS and shell matches need company here. */
        TEXT,
        /** Sentences or markdown: every literal match needs company here. */
        PROSE
    }

    /** Fewest words for {@link Kind#TEXT}. */
    static final int TEXT_WORDS = 3;
    /** Fewest words for {@link Kind#PROSE} (a markdown fence is prose at any length). */
    static final int PROSE_WORDS = 12;

    static final int SQLI = 1;
    static final int XSS = 2;
    static final int RCE = 4;

    /** The bit of a family a grammar detector covers, 0 for the others. */
    static int familyBit(String family) {
        return switch (family) {
            case "sqli" -> SQLI;
            case "xss" -> XSS;
            case "rce" -> RCE;
            default -> 0;
        };
    }

    /**
     * The grammar families whose metacharacters the value holds: SQL quotes and comments, HTML brackets and
     * attribute syntax, shell separators, substitutions and redirections.
     */
    static int metaFamilies(String value) {
        int bits = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            char next = i + 1 < value.length() ? value.charAt(i + 1) : 0;
            switch (c) {
                case '\'', '"' -> bits |= SQLI | XSS;
                case ';' -> bits |= SQLI | RCE;
                case '#' -> bits |= SQLI;
                case '-' -> bits |= next == '-' ? SQLI : 0;
                case '/' -> bits |= next == '*' ? SQLI : 0;
                case '<', '>' -> bits |= XSS | RCE;
                case '=' -> bits |= XSS;
                case '`' -> bits |= XSS | RCE;
                case '|', '\n' -> bits |= RCE;
                case '&' -> bits |= next == '&' ? RCE : 0;
                case '$' -> bits |= next == '(' || next == '{' ? RCE : 0;
                default -> {}
            }
        }
        return bits;
    }

    /** How the value (in its {@code text} form) reads. */
    static Kind kind(String value) {
        if (value.length() < 12) {
            return Kind.BARE;
        }
        if (value.contains("```") || value.contains("~~~")) {
            return Kind.PROSE;
        }
        int words = 0;
        int letters = 0;
        int run = 0;
        boolean identifier = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isLetter(c)) {
                letters++;
                run++;
            } else if (run > 0 && (c == '_' || Character.isDigit(c))) {
                // pg_sleep, xp_cmdshell, md5: an identifier, not a word of a language
                identifier = true;
            } else {
                if (identifier) {
                    run = 0;
                    identifier = false;
                }
                if (Character.isWhitespace(c)) {
                    letters++;
                }
                if (run >= 2) {
                    words++;
                }
                run = 0;
            }
        }
        if (run >= 2) {
            words++;
        }
        if (letters < PROSE_LETTER_SHARE * value.length()) {
            return Kind.BARE;
        }
        return words >= PROSE_WORDS ? Kind.PROSE : words >= TEXT_WORDS ? Kind.TEXT : Kind.BARE;
    }

    /**
     * The value with its markdown code (fenced blocks, inline spans) and quoted passages replaced by spaces, so
     * that what remains is the writer's own prose. Quoted passages are those a sentence quotes: the quote opens
     * after white space (or at the start) and closes before white space or punctuation, with a space inside.
     * Same length as the input; linear time.
     */
    static String blankQuoted(String value) {
        char[] out = value.toCharArray();
        int n = out.length;
        int i = 0;
        while (i < n) {
            char c = out[i];
            if ((c == '`' || c == '~') && i + 2 < n && out[i + 1] == c && out[i + 2] == c) {
                int close = value.indexOf(new String(new char[] {c, c, c}), i + 3);
                int end = close < 0 ? n : close + 3;
                blank(out, i, end);
                i = end;
            } else if (c == '`') {
                int close = find(value, '`', i + 1);
                if (close > 0) {
                    blank(out, i, close + 1);
                    i = close + 1;
                } else {
                    i++;
                }
            } else if ((c == '"' || c == '\'' || c == '“' || c == '«')
                    && (i == 0 || Character.isWhitespace(out[i - 1]))) {
                char closing = c == '“' ? '”' : c == '«' ? '»' : c;
                int close = find(value, closing, i + 1);
                if (close > i + 1
                        && value.substring(i + 1, close).indexOf(' ') >= 0
                        && (close + 1 == n
                                || Character.isWhitespace(out[close + 1])
                                || ".,;:!?)".indexOf(out[close + 1]) >= 0)) {
                    blank(out, i, close + 1);
                    i = close + 1;
                } else {
                    i++;
                }
            } else {
                i++;
            }
        }
        return new String(out);
    }

    /** The next {@code c} on the same line within {@link #MAX_QUOTED} characters, or -1. */
    private static int find(String value, char c, int from) {
        int limit = Math.min(value.length(), from + MAX_QUOTED);
        for (int i = from; i < limit; i++) {
            char x = value.charAt(i);
            if (x == c) {
                return i;
            }
            if (x == '\n') {
                return -1;
            }
        }
        return -1;
    }

    private static void blank(char[] out, int from, int to) {
        for (int i = from; i < to; i++) {
            if (out[i] != '\n') {
                out[i] = ' ';
            }
        }
    }

    /**
     * True when the whole value is an {@code http(s)} URL to the loopback interface spelled the ordinary way
     * ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}, {@code 0.0.0.0}, {@code host.docker.internal}),
     * with an optional port and path: a development callback, not an SSRF probe. Encoded or numeric host
     * spellings ({@code 0x7f000001}, {@code 2130706433}), credentials and other schemes are not.
     */
    static boolean isLoopbackCallback(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        int scheme = v.startsWith("http://") ? 7 : v.startsWith("https://") ? 8 : -1;
        if (scheme < 0) {
            return false;
        }
        int end = scheme;
        while (end < v.length() && "/?#".indexOf(v.charAt(end)) < 0) {
            end++;
        }
        String authority = v.substring(scheme, end);
        if (authority.indexOf('@') >= 0 || authority.indexOf('%') >= 0) {
            return false;
        }
        String host = authority;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                return false;
            }
            String port = host.substring(close + 1);
            host = host.substring(0, close + 1);
            if (!port.isEmpty() && !port.matches(":\\d{1,5}")) {
                return false;
            }
        } else {
            int colon = host.indexOf(':');
            if (colon >= 0) {
                if (!host.substring(colon).matches(":\\d{1,5}")) {
                    return false;
                }
                host = host.substring(0, colon);
            }
        }
        boolean loopback = host.equals("localhost")
                || host.equals("127.0.0.1")
                || host.equals("[::1]")
                || host.equals("0.0.0.0")
                || host.equals("host.docker.internal");
        if (!loopback) {
            return false;
        }
        for (int i = end; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= ' ' || c == '<' || c == '>' || c == '"' || c == '\'' || c == '`' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
