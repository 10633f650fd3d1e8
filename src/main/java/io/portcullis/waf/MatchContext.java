package io.portcullis.waf;

import java.util.Locale;

/**
 * Where a rule's match does not mean what the rule looks for, judged from the value's place in the request
 * rather than from its text: a {@code \\uXXXX} escape inside a JSON string (JSON's own escape, already read by
 * the parser), a parameter whose <em>name</em> is a program name ({@code cmd}, {@code exec}: a name alone runs
 * nothing), a session-id parameter on a request that came from a page of the same host ({@code Referer} on
 * the {@code Host}: a link the site itself wrote, not a fixation link sent to a victim from elsewhere). Stateless.
 */
final class MatchContext {
    /** Unicode escape in an argument (CRS 920540, which the CRS also skips for JSON bodies). */
    static final int UNICODE_ESCAPE = 920540;
    /** Session id as a request parameter (CRS 943110 and 943120: an off-site Referer or none). */
    static final int SESSION_ID_PARAMETER = 943120;

    private MatchContext() {}

    /** Whether the rule's match on this target is to be ignored. */
    static boolean ignored(Rule rule, Target target, String text, WafRequest request) {
        if (rule.id() == UNICODE_ESCAPE) {
            return target.label().startsWith("JSON");
        }
        if (rule.id() == SESSION_ID_PARAMETER) {
            return sameSiteReferer(request);
        }
        return target.kind() == TargetKind.ARGS_NAMES && "rce".equals(rule.family()) && isIdentifier(text);
    }

    /**
     * A parameter name that is one word: letters, digits, {@code _ - .} and brackets ({@code filter[status]}),
     * at most 64 characters, no blank, separator or quote.
     */
    static boolean isIdentifier(String name) {
        if (name.isEmpty() || name.length() > 64) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z'
                    || c >= '0' && c <= '9'
                    || c == '_'
                    || c == '-'
                    || c == '.'
                    || c == '['
                    || c == ']')) {
                return false;
            }
        }
        return true;
    }

    /** Whether the request's {@code Referer} names the host of its {@code Host} header (ports aside). */
    static boolean sameSiteReferer(WafRequest request) {
        String referer = request.header("Referer");
        String host = request.header("Host");
        if (referer == null || host == null || host.isBlank()) {
            return false;
        }
        String r = referer.strip().toLowerCase(Locale.ROOT);
        int scheme = r.startsWith("http://") ? 7 : r.startsWith("https://") ? 8 : -1;
        if (scheme < 0) {
            return false;
        }
        int end = scheme;
        while (end < r.length() && "/?#".indexOf(r.charAt(end)) < 0) {
            end++;
        }
        String authority = r.substring(scheme, end);
        return authority.indexOf('@') < 0
                && hostOf(authority).equals(hostOf(host.strip().toLowerCase(Locale.ROOT)));
    }

    private static String hostOf(String authority) {
        int colon = authority.lastIndexOf(':');
        return colon > 0 && authority.indexOf(']') < colon ? authority.substring(0, colon) : authority;
    }

    /** A value that is only a loopback host name, with an optional port: {@code localhost}, {@code 127.0.0.1:8080}. */
    static boolean isLoopbackHost(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        int colon = v.lastIndexOf(':');
        if (colon > 0 && !v.startsWith("[")) {
            String port = v.substring(colon + 1);
            if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
                return false;
            }
            v = v.substring(0, colon);
        }
        return v.equals("localhost")
                || v.equals("127.0.0.1")
                || v.equals("0.0.0.0")
                || v.equals("host.docker.internal")
                || v.equals("[::1]");
    }
}
