package io.portcullis.proxy;

import java.net.URI;

/**
 * Builds the upstream URL of a request from the path the route stage decided (already percent-encoded, see
 * {@link io.portcullis.chain.CanonicalPath#encodedAfter}) below the upstream's base path. The client's own
 * spelling of the path never reaches the upstream.
 */
final class TargetPaths {

    private TargetPaths() {}

    /**
     * @param upstream the target, with an optional base path
     * @param path the encoded path to forward: starting with {@code /}, or empty when the request was exactly a
     *     stripped prefix
     * @param query the raw query string, or null
     */
    static String target(URI upstream, String path, String query) {
        String base = upstream.getRawPath() == null ? "" : upstream.getRawPath();
        String joined;
        if (path.isEmpty()) {
            // The request was the stripped prefix itself: the upstream's base path as written, no slash added.
            joined = base.isEmpty() ? "/" : base;
        } else {
            joined = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
        }
        StringBuilder target = new StringBuilder(96)
                .append(upstream.getScheme())
                .append("://")
                .append(upstream.getRawAuthority())
                .append(joined);
        if (query != null) {
            appendQuery(target, query);
        }
        return target.toString();
    }

    /**
     * Appends the query as sent, with the ASCII characters RFC 3986 does not allow in a query ({@code " < > \ ^ `
     * { | }}) percent-encoded: the upstream decodes them to the same characters, and the URI the client library
     * builds is valid. Escapes ({@code %XX}, checked by the route stage) and non-ASCII characters stay as they are.
     */
    static void appendQuery(StringBuilder target, String query) {
        target.append('?');
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`' || c == '{' || c == '|'
                    || c == '}') {
                target.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else {
                target.append(c);
            }
        }
    }

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();
}
