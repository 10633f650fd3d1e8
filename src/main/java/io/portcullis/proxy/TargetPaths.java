package io.portcullis.proxy;

import java.net.URI;

/**
 * Builds the upstream URL of a request from the path the route stage decided (already percent-encoded, see
 * {@link io.portcullis.route.CanonicalPath#encodedAfter}) below the upstream's base path. The client's own
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
                .append(upstream.getScheme()).append("://").append(upstream.getRawAuthority())
                .append(joined);
        if (query != null) {
            target.append('?').append(query);
        }
        return target.toString();
    }
}
