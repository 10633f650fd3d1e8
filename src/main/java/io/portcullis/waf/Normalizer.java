package io.portcullis.waf;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer.Form;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a raw request value into the forms the rules match against, undoing the encodings attackers use
 * to slip past a pattern: repeated URL-decoding (bounded), HTML entities, {@code \}{@code uXXXX} and
 * {@code \xXX} escapes, full-width and other compatibility forms (NFKC), case, SQL comments, shell quoting
 * tricks and path spellings. Every step is a single linear pass, so the cost is proportional to the input.
 * Stateless and thread-safe.
 */
public final class Normalizer {
    /** How many rounds of decoding are undone; a value encoded more often than this stays partly encoded. */
    static final int MAX_DECODE_ROUNDS = 3;

    private static final Map<String, String> ENTITIES = Map.ofEntries(
            Map.entry("lt", "<"),
            Map.entry("gt", ">"),
            Map.entry("quot", "\""),
            Map.entry("apos", "'"),
            Map.entry("amp", "&"),
            Map.entry("nbsp", " "),
            Map.entry("tab", "\t"),
            Map.entry("newline", "\n"),
            Map.entry("lpar", "("),
            Map.entry("rpar", ")"),
            Map.entry("lbrace", "{"),
            Map.entry("rbrace", "}"),
            Map.entry("lcub", "{"),
            Map.entry("rcub", "}"),
            Map.entry("lsqb", "["),
            Map.entry("rsqb", "]"),
            Map.entry("lbrack", "["),
            Map.entry("rbrack", "]"),
            Map.entry("colon", ":"),
            Map.entry("semi", ";"),
            Map.entry("sol", "/"),
            Map.entry("bsol", "\\"),
            Map.entry("equals", "="),
            Map.entry("excl", "!"),
            Map.entry("num", "#"),
            Map.entry("dollar", "$"),
            Map.entry("percnt", "%"),
            Map.entry("period", "."),
            Map.entry("comma", ","),
            Map.entry("quest", "?"),
            Map.entry("grave", "`"),
            Map.entry("vert", "|"),
            Map.entry("ast", "*"),
            Map.entry("plus", "+"),
            Map.entry("commat", "@"),
            Map.entry("lowbar", "_"));

    private Normalizer() {}

    /**
     * The general form: decoded (URL, HTML entities, escapes, at most {@link #MAX_DECODE_ROUNDS} rounds),
     * NFKC, lower case, NUL bytes removed. Line breaks are kept, so header-injection rules still see them.
     */
    public static String text(String raw) {
        String value = raw;
        for (int round = 0; round < MAX_DECODE_ROUNDS; round++) {
            String decoded = decodeEscapes(decodeEntities(urlDecode(value)));
            if (decoded.equals(value)) {
                break;
            }
            value = decoded;
        }
        if (!isAscii(value)) {
            value = java.text.Normalizer.normalize(value, Form.NFKC);
        }
        value = value.toLowerCase(Locale.ROOT);
        return value.indexOf('\0') >= 0 ? value.replace("\0", "") : value;
    }

    /** The form for SQL rules: {@link #text} with {@code /* … *}{@code /} comments removed and whitespace folded. */
    public static String sql(String text) {
        return sqlUnchanged(text) ? text : sqlRewritten(text);
    }

    static String sqlRewritten(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
                int end = text.indexOf("*/", i + 2);
                // MySQL executes /*!50000 select */: keep the body, drop the version marker
                if (i + 2 < n && text.charAt(i + 2) == '!') {
                    int j = i + 3;
                    while (j < n && Character.isDigit(text.charAt(j))) {
                        j++;
                    }
                    appendSpace(out);
                    i = j;
                    continue;
                }
                appendSpace(out);
                i = end < 0 ? n : end + 2;
            } else if (c == '*' && i + 1 < n && text.charAt(i + 1) == '/') {
                appendSpace(out);
                i += 2;
            } else if (Character.isWhitespace(c) || c == '\u000b') {
                appendSpace(out);
                i++;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString().trim();
    }

    /**
     * The form for shell rules: {@link #text} with the quoting an attacker puts inside a command word
     * removed ({@code c'a't}, {@code c\at}, {@code $@}, {@code ${IFS}}) and whitespace folded.
     */
    public static String cmd(String text) {
        return cmdUnchanged(text) ? text : cmdRewritten(text);
    }

    static String cmdRewritten(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == '\\' || c == '\'' || c == '"' || c == '^') {
                continue;
            }
            if (c == '$' && i + 1 < n && (text.charAt(i + 1) == '@' || text.charAt(i + 1) == '*')) {
                i++;
                continue;
            }
            if (c == '$' && text.startsWith("{ifs", i + 1)) {
                int end = text.indexOf('}', i);
                if (end > 0 && end - i < 12) {
                    appendSpace(out);
                    i = end;
                    continue;
                }
            }
            if (c == '$' && text.startsWith("ifs", i + 1)) {
                appendSpace(out);
                i += 3;
                continue;
            }
            if (c == '\n' || c == '\r') {
                out.append('\n');
                continue;
            }
            if (Character.isWhitespace(c) || c == '\u000b') {
                appendSpace(out);
                continue;
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The form for markup rules: {@link #text} with all whitespace (and NUL) removed. */
    public static String compact(String text) {
        return compactUnchanged(text) ? text : compactRewritten(text);
    }

    static String compactRewritten(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && c != '\u000b' && c != '\u00a0') {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** The form for path rules: {@link #text} with backslashes as slashes, {@code //} and {@code /./} collapsed. */
    public static String path(String text) {
        return pathUnchanged(text) ? text : pathRewritten(text);
    }

    static String pathRewritten(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i) == '\\' ? '/' : text.charAt(i);
            if (c == '/') {
                int len = out.length();
                if (len > 0 && out.charAt(len - 1) == '/') {
                    continue;
                }
                if (len >= 2 && out.charAt(len - 1) == '.' && out.charAt(len - 2) == '/') {
                    out.setLength(len - 1);
                    continue;
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    /**
     * The base64 decoding of a value that looks like base64 (at least 8 characters of one alphabet, length
     * fitting the padding), as {@link #text}; {@code null} for anything else.
     */
    public static String base64(String raw) {
        String value = decodeEscapes(urlDecode(raw)).strip();
        int n = value.length();
        if (n < 8) {
            return null;
        }
        int end = n;
        while (end > 0 && value.charAt(end - 1) == '=') {
            end--;
        }
        if (n - end > 2 || (n != end && n % 4 != 0)) {
            return null;
        }
        boolean url = false;
        for (int i = 0; i < end; i++) {
            char c = value.charAt(i);
            if (c == '-' || c == '_') {
                url = true;
            } else if (!(c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '+'
                    || c == '/')) {
                return null;
            }
        }
        if (end % 4 == 1) {
            return null;
        }
        try {
            byte[] bytes = (url ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(value.substring(0, end));
            return text(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException notBase64) {
            return null;
        }
    }

    /** One round of percent-decoding ({@code %XX} as UTF-8 where it forms valid UTF-8, and {@code %uXXXX}). */
    static String urlDecode(String value) {
        int first = value.indexOf('%');
        if (first < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        out.append(value, 0, first);
        byte[] bytes = new byte[4];
        int n = value.length();
        int i = first;
        while (i < n) {
            char c = value.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            if (i + 5 < n && (value.charAt(i + 1) == 'u' || value.charAt(i + 1) == 'U') && hex(value, i + 2, 4) >= 0) {
                out.append((char) hex(value, i + 2, 4));
                i += 6;
                continue;
            }
            int b = i + 2 < n ? hex(value, i + 1, 2) : -1;
            if (b < 0) {
                out.append(c);
                i++;
                continue;
            }
            int length = b < 0x80 ? 1 : b >= 0xF0 && b < 0xF8 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1;
            bytes[0] = (byte) b;
            int got = 1;
            while (got < length
                    && i + got * 3 + 2 < n
                    && value.charAt(i + got * 3) == '%'
                    && hex(value, i + got * 3 + 1, 2) >= 0x80
                    && hex(value, i + got * 3 + 1, 2) < 0xC0) {
                bytes[got] = (byte) hex(value, i + got * 3 + 1, 2);
                got++;
            }
            if (length > 1 && got == length) {
                out.append(new String(bytes, 0, length, StandardCharsets.UTF_8));
            } else {
                // a lone byte: Latin-1, so overlong or broken sequences still become something visible
                out.append((char) b);
                got = 1;
            }
            i += got * 3;
        }
        return out.toString();
    }

    /** Decodes {@code &#NN;}, {@code &#xHH;} (the {@code ;} optional, as browsers allow) and common named entities. */
    static String decodeEntities(String value) {
        int first = value.indexOf('&');
        if (first < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        out.append(value, 0, first);
        int n = value.length();
        int i = first;
        while (i < n) {
            char c = value.charAt(i);
            if (c != '&' || i + 2 >= n) {
                out.append(c);
                i++;
                continue;
            }
            if (value.charAt(i + 1) == '#') {
                boolean isHex = value.charAt(i + 2) == 'x' || value.charAt(i + 2) == 'X';
                int j = i + (isHex ? 3 : 2);
                int start = j;
                long code = 0;
                while (j < n && j - start < 8 && Character.digit(value.charAt(j), isHex ? 16 : 10) >= 0) {
                    code = code * (isHex ? 16 : 10) + Character.digit(value.charAt(j), isHex ? 16 : 10);
                    j++;
                }
                if (j > start && code <= Character.MAX_CODE_POINT) {
                    out.appendCodePoint((int) code);
                    i = j < n && value.charAt(j) == ';' ? j + 1 : j;
                    continue;
                }
            } else {
                int semi = value.indexOf(';', i + 1);
                if (semi > i + 1 && semi - i <= 9) {
                    String replacement =
                            ENTITIES.get(value.substring(i + 1, semi).toLowerCase(Locale.ROOT));
                    if (replacement != null) {
                        out.append(replacement);
                        i = semi + 1;
                        continue;
                    }
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    /** Decodes {@code \}{@code uXXXX}, {@code \}{@code u{X…}} and {@code \xXX} escapes (JavaScript, JSON, C). */
    static String decodeEscapes(String value) {
        int first = value.indexOf('\\');
        if (first < 0) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length());
        out.append(value, 0, first);
        int n = value.length();
        int i = first;
        while (i < n) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < n) {
                char kind = value.charAt(i + 1);
                if ((kind == 'u' || kind == 'U') && i + 5 < n && hex(value, i + 2, 4) >= 0) {
                    out.append((char) hex(value, i + 2, 4));
                    i += 6;
                    continue;
                }
                if ((kind == 'x' || kind == 'X') && i + 3 < n && hex(value, i + 2, 2) >= 0) {
                    out.append((char) hex(value, i + 2, 2));
                    i += 4;
                    continue;
                }
            }
            out.append(c);
            i++;
        }
        return out.toString();
    }

    private static int hex(String value, int from, int digits) {
        if (from + digits > value.length()) {
            return -1;
        }
        int result = 0;
        for (int k = 0; k < digits; k++) {
            int d = Character.digit(value.charAt(from + k), 16);
            if (d < 0) {
                return -1;
            }
            result = result * 16 + d;
        }
        return result;
    }

    // The checks below say, in one pass and without copying, that a form would come out equal to its input
    // (the usual case for ordinary values), so the form is that same string and the prefilter scans it once.

    static boolean sqlUnchanged(String text) {
        int n = text.length();
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                if (i == 0 || i == n - 1 || text.charAt(i - 1) == ' ') {
                    return false;
                }
            } else if (c < ' '
                    || isOtherWhitespace(c)
                    || (c == '/' || c == '*') && i + 1 < n && text.charAt(i + 1) == (c == '/' ? '*' : '/')) {
                return false;
            }
        }
        return true;
    }

    static boolean cmdUnchanged(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' ') {
                if (i == 0 || text.charAt(i - 1) == ' ') {
                    return false;
                }
            } else if (c == '\\'
                    || c == '\''
                    || c == '"'
                    || c == '^'
                    || c == '$'
                    || c == '\r'
                    || c != '\n' && (c < ' ' && Character.isWhitespace(c) || c == '\u000b' || isOtherWhitespace(c))) {
                return false;
            }
        }
        return true;
    }

    static boolean compactUnchanged(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ' '
                    || c < ' ' && (Character.isWhitespace(c) || c == '\u000b')
                    || c == '\u00a0'
                    || isOtherWhitespace(c)) {
                return false;
            }
        }
        return true;
    }

    static boolean pathUnchanged(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\'
                    || c == '/'
                            && i > 0
                            && (text.charAt(i - 1) == '/'
                                    || i > 1 && text.charAt(i - 1) == '.' && text.charAt(i - 2) == '/')) {
                return false;
            }
        }
        return true;
    }

    /** Whitespace outside ASCII, as {@link Character#isWhitespace} sees it. */
    private static boolean isOtherWhitespace(char c) {
        return c >= 0x80 && Character.isWhitespace(c);
    }

    private static boolean isAscii(String value) {
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static void appendSpace(StringBuilder out) {
        if (out.length() > 0 && out.charAt(out.length() - 1) != ' ') {
            out.append(' ');
        }
    }
}
