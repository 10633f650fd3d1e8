package io.portcullis.proxy;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Builds the upstream URL of a request. The client's own encoding of the path is kept when it decodes to
 * exactly the path the route was matched on; otherwise (dot-segments, odd encodings) the normalised path
 * is re-encoded, so the upstream never sees a different path from the one the gateway checked.
 */
final class TargetPaths {
    private static final Pattern ENCODED_SEPARATOR = Pattern.compile("%2[fF]");

    private TargetPaths() {}

    /**
     * @param upstream the target, with an optional base path
     * @param rawPath the request URI inside the context, as sent (still encoded)
     * @param matchedPath the decoded, normalised path the route matched
     * @param strip how many characters of prefix to drop from {@code matchedPath}, 0 to keep it
     */
    static String target(URI upstream, String rawPath, String matchedPath, String prefixToStrip, String query) {
        String path = encodedPath(rawPath, matchedPath);
        if (!prefixToStrip.isEmpty() && !prefixToStrip.equals("/")) {
            String encodedPrefix = encode(prefixToStrip);
            if (!path.startsWith(encodedPrefix)) {
                // The client spelled the prefix its own way (/%61pi for /api): strip it from the path as matched.
                path = encode(matchedPath);
            }
            path = path.substring(encodedPrefix.length());
            if (!path.isEmpty() && path.charAt(0) != '/') {
                path = "/" + path;
            }
        }
        String base = upstream.getRawPath() == null ? "" : upstream.getRawPath();
        String joined;
        if (path.isEmpty()) {
            // The request was the stripped prefix itself: the upstream's base path as written, no slash added.
            joined = base.isEmpty() ? "/" : base;
        } else {
            joined = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path;
        }
        StringBuilder target = new StringBuilder(96)
                .append(upstream.getScheme()).append("://").append(upstream.getRawAuthority())
                .append(joined);
        if (query != null) {
            target.append('?').append(query);
        }
        return target.toString();
    }

    static String encodedPath(String rawPath, String matchedPath) {
        if (rawPath.indexOf('%') < 0) {
            if (rawPath.equals(matchedPath)) {
                return rawPath;
            }
        } else if (decodes(rawPath, matchedPath)) {
            return rawPath;
        }
        return encode(matchedPath);
    }

    private static boolean decodes(String rawPath, String matchedPath) {
        if (ENCODED_SEPARATOR.matcher(rawPath).find()) {
            // A container that decodes %2F matched on a slash there; the upstream must see that slash, too.
            return false;
        }
        try {
            return URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8).equals(matchedPath);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Percent-encodes a decoded path, keeping {@code /} and RFC 3986 unreserved and sub-delim characters. */
    static String encode(String path) {
        StringBuilder out = new StringBuilder(path.length() + 16);
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "/-._~!$&'()*+,;=:@".indexOf(c) >= 0;
            if (keep) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }
}
