package io.portcullis.ratelimit;

import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;

/**
 * The IETF RateLimit fields as Structured Field lists of one item each: {@code RateLimit-Policy:
 * "default";q=100;w=60} (the quota and its window in seconds) and {@code RateLimit: "default";r=42;t=17}
 * (what remains and the seconds until more is available). Stateless.
 *
 * @see <a href="https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/11/">draft-ietf-httpapi-ratelimit-headers-11</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9651">RFC 9651, Structured Field Values</a>
 */
public final class RateLimitFields {
    public static final String POLICY = "RateLimit-Policy";
    public static final String RATE_LIMIT = "RateLimit";

    private RateLimitFields() {}

    /** {@code "<name>";q=<limit>;w=<window seconds>}. */
    public static String policy(String name, Quota quota) {
        return string(name) + ";q=" + quota.limit() + ";w="
                + Math.max(1, quota.window().toSeconds());
    }

    /** {@code "<name>";r=<remaining>;t=<seconds>}. */
    public static String rateLimit(String name, Decision decision) {
        return string(name) + ";r=" + Math.max(0, decision.remaining()) + ";t=" + Math.max(0, decision.resetSeconds());
    }

    /** An sf-string: printable ASCII, with {@code "} and {@code \} escaped; anything else becomes {@code ?}. */
    static String string(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else {
                out.append(c >= 0x20 && c <= 0x7e ? c : '?');
            }
        }
        return out.append('"').toString();
    }
}
