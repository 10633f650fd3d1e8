package io.portcullis.waf;

import java.util.List;

/**
 * The media types a request body may have ({@code waf.allowed-content-types}, plus a route's own
 * {@code allowed-content-types}): each entry is {@code type/subtype}, {@code type/*}, {@code type/*+suffix}
 * (RFC 6839 structured syntax suffixes, as in {@code application/*+json}) or &#42;/&#42; (anything).
 * Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-8.3">RFC 9110 §8.3</a>
 */
final class MediaTypes {
    private final List<String> patterns;

    MediaTypes(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
    }

    /** Whether a media type (lower case, without parameters) matches one of the patterns. */
    boolean allows(String mediaType) {
        int slash = mediaType.indexOf('/');
        if (slash <= 0 || slash == mediaType.length() - 1 || mediaType.indexOf('/', slash + 1) >= 0) {
            return false;
        }
        String type = mediaType.substring(0, slash);
        String subtype = mediaType.substring(slash + 1);
        for (String pattern : patterns) {
            if (matches(pattern, type, subtype)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(String pattern, String type, String subtype) {
        if (pattern.equals("*/*")) {
            return true;
        }
        int slash = pattern.indexOf('/');
        if (!pattern.substring(0, slash).equals(type)) {
            return false;
        }
        String wanted = pattern.substring(slash + 1);
        if (wanted.equals("*")) {
            return true;
        }
        if (wanted.startsWith("*+")) {
            String suffix = wanted.substring(1);
            return subtype.endsWith(suffix) && subtype.length() > suffix.length();
        }
        return wanted.equals(subtype);
    }
}
