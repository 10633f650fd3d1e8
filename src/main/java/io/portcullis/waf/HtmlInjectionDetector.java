package io.portcullis.waf;

import java.util.Set;

/**
 * Detects cross-site scripting by structure: the value is read the way an HTML tokenizer reads it in the
 * places a value lands — text between tags, inside an attribute value (after a closing quote) and as a URL
 * attribute — and it is an attack when it makes a tag or attribute that runs script: a script-capable element
 * ({@code <script>}, {@code <iframe>}, {@code <object>}, …), any tag with an event-handler attribute
 * ({@code on…=}), a URL attribute whose value is a {@code javascript:}/{@code vbscript:}/{@code data:text/html}
 * URL, a style with {@code expression(}, or a value that is such a URL itself. Text like {@code <3},
 * {@code a < b} or {@code alert(} alone is not a tag and is left to the literal rules.
 *
 * <p>Written from the published description of HTML tokenization (the WHATWG tag and attribute states) and
 * libinjection's XSS approach; no code was taken from either. One forward pass; linear in the input.
 * Stateless and thread-safe.
 */
final class HtmlInjectionDetector {
    private static final Set<String> SCRIPT_ELEMENTS = Set.of(
            "script",
            "iframe",
            "frame",
            "frameset",
            "object",
            "embed",
            "applet",
            "base",
            "meta",
            "link",
            "import",
            "xml",
            "xss",
            "vmlframe",
            "portal",
            "template",
            "isindex");
    private static final Set<String> URL_ATTRIBUTES = Set.of(
            "href",
            "src",
            "action",
            "formaction",
            "data",
            "xlink:href",
            "background",
            "lowsrc",
            "dynsrc",
            "poster",
            "code",
            "codebase",
            "srcdoc",
            "to",
            "from",
            "values",
            "by",
            "attributename",
            "content",
            "ping",
            "manifest",
            "icon",
            "itemtype",
            "archive",
            "longdesc",
            "usemap",
            "cite");

    private HtmlInjectionDetector() {}

    /** True when the value, read as HTML, makes a tag, attribute or URL that runs script. */
    static boolean detect(String value) {
        if (value.isEmpty()) {
            return false;
        }
        if (isScriptUrl(value, 0)) {
            return true;
        }
        if (attributeBreakout(value)) {
            return true;
        }
        int n = value.length();
        int i = value.indexOf('<');
        while (i >= 0 && i < n - 1) {
            int next = tag(value, i + 1);
            if (next < 0) {
                return true;
            }
            i = value.indexOf('<', Math.max(next, i + 1));
        }
        return false;
    }

    /**
     * Reads a tag whose name starts at {@code from} (just after {@code <}). Returns -1 when the tag runs script,
     * else where reading goes on.
     */
    private static int tag(String value, int from) {
        int n = value.length();
        int i = from;
        if (i < n && value.charAt(i) == '/') {
            i++;
        }
        int nameStart = i;
        while (i < n && isNameChar(value.charAt(i))) {
            i++;
        }
        if (i == nameStart || !Character.isLetter(value.charAt(nameStart))) {
            return from;
        }
        String name = value.substring(nameStart, Math.min(i, nameStart + 32));
        if (i < n && "\t\n\f\r />".indexOf(value.charAt(i)) < 0) {
            return from;
        }
        if (SCRIPT_ELEMENTS.contains(name) && nameStart == from) {
            return -1;
        }
        return attributes(value, i);
    }

    /** Reads attributes from {@code from} to the end of the tag; -1 when one runs script. */
    private static int attributes(String value, int from) {
        int n = value.length();
        int i = from;
        while (i < n) {
            char c = value.charAt(i);
            if (c == '>' || c == '<') {
                return i;
            }
            if (Character.isWhitespace(c) || c == '/' || c == '"' || c == '\'') {
                i++;
                continue;
            }
            int nameStart = i;
            while (i < n && "\t\n\f\r />=<\"'".indexOf(value.charAt(i)) < 0) {
                i++;
            }
            String name = value.substring(nameStart, Math.min(i, nameStart + 32));
            if (name.startsWith("on") && name.length() > 3 && Character.isLetter(name.charAt(2))) {
                return -1;
            }
            while (i < n && Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            if (i >= n || value.charAt(i) != '=') {
                continue;
            }
            i++;
            while (i < n && Character.isWhitespace(value.charAt(i))) {
                i++;
            }
            int valueStart = i;
            int valueEnd;
            if (i < n && (value.charAt(i) == '"' || value.charAt(i) == '\'')) {
                char quote = value.charAt(i);
                valueStart = i + 1;
                int close = value.indexOf(quote, valueStart);
                valueEnd = close < 0 ? n : close;
                i = close < 0 ? n : close + 1;
            } else {
                while (i < n && "\t\n\f\r >".indexOf(value.charAt(i)) < 0) {
                    i++;
                }
                valueEnd = i;
            }
            if (URL_ATTRIBUTES.contains(name) && isScriptUrl(value.substring(valueStart, valueEnd), 0)) {
                return -1;
            }
            if (name.equals("style")
                    && value.substring(valueStart, valueEnd).replace(" ", "").contains("expression(")) {
                return -1;
            }
        }
        return n;
    }

    /**
     * A value that closes the attribute it was put in and adds one: {@code " onmouseover="…}, {@code ' autofocus
     * onfocus=…}, {@code "><svg onload=…} (the last is found by the tag pass).
     */
    private static boolean attributeBreakout(String value) {
        int n = value.length();
        for (int q = 0; q < n; q++) {
            char c = value.charAt(q);
            if (c != '"' && c != '\'' && c != '`') {
                continue;
            }
            int i = q + 1;
            boolean gap = false;
            while (i < n && (Character.isWhitespace(value.charAt(i)) || value.charAt(i) == '/')) {
                i++;
                gap = true;
            }
            if (!gap) {
                continue;
            }
            // up to four attribute names after the quote: "' autofocus onfocus=…"
            for (int names = 0; names < 4 && i < n; names++) {
                int nameStart = i;
                while (i < n
                        && (Character.isLetterOrDigit(value.charAt(i))
                                || value.charAt(i) == '-'
                                || value.charAt(i) == ':')) {
                    i++;
                }
                String name = value.substring(nameStart, i);
                while (i < n && Character.isWhitespace(value.charAt(i))) {
                    i++;
                }
                if (name.isEmpty()) {
                    break;
                }
                if (i < n && value.charAt(i) == '=' && name.length() > 3 && name.startsWith("on")) {
                    return true;
                }
                if (i < n && value.charAt(i) == '=' && (name.equals("style") || URL_ATTRIBUTES.contains(name))) {
                    int v = i + 1;
                    while (v < n
                            && (Character.isWhitespace(value.charAt(v))
                                    || value.charAt(v) == '"'
                                    || value.charAt(v) == '\'')) {
                        v++;
                    }
                    if (isScriptUrl(value, v)
                            || name.equals("style")
                                    && value.substring(v, Math.min(n, v + 256)).contains("expression(")) {
                        return true;
                    }
                }
                if (i < n && value.charAt(i) == '=') {
                    break;
                }
            }
        }
        return false;
    }

    /** A {@code javascript:}, {@code vbscript:}, {@code livescript:} or {@code data:text/html} URL at {@code from}, ignoring blanks and control characters inside the scheme. */
    static boolean isScriptUrl(String value, int from) {
        StringBuilder scheme = new StringBuilder(16);
        for (int i = from; i < value.length() && scheme.length() < 16; i++) {
            char c = value.charAt(i);
            if (c <= ' ') {
                continue;
            }
            if (c == ':') {
                String s = scheme.toString();
                if (s.equals("javascript") || s.equals("vbscript") || s.equals("livescript") || s.equals("mocha")) {
                    return true;
                }
                if (s.equals("data")) {
                    String rest = value.substring(i + 1, Math.min(value.length(), i + 40))
                            .replace(" ", "");
                    return rest.startsWith("text/html")
                            || rest.startsWith("image/svg")
                            || rest.startsWith("application/xhtml")
                            || rest.startsWith("text/xml")
                            || rest.startsWith("application/x-javascript")
                            || rest.startsWith("text/javascript");
                }
                return false;
            }
            if (!Character.isLetter(c)) {
                return false;
            }
            scheme.append(c);
        }
        return false;
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '-' || c == ':' || c == '_';
    }
}
