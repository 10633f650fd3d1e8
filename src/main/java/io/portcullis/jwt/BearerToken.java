package io.portcullis.jwt;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Finds the Bearer token of a request: in the {@code Authorization} header only (never a query parameter,
 * form field or cookie, which leak into logs and caches), scheme compared case-insensitively, exactly one
 * header with exactly one token of the RFC 6750 {@code b64token} syntax. Another scheme (Basic, …) counts as
 * no Bearer token at all. Stateless and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-2.1">RFC 6750 §2.1</a>
 */
public final class BearerToken {
    private static final String SCHEME = "bearer";
    private static final Pattern B64TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");

    /** What the request carries. */
    public sealed interface Found {
        record Absent() implements Found {}

        /** A Bearer credential that is not one well-formed token; the description is safe to show. */
        record Malformed(String description) implements Found {}

        record Present(String token) implements Found {}
    }

    private BearerToken() {}

    public static Found from(HttpServletRequest request) {
        List<String> headers = Collections.list(request.getHeaders("Authorization"));
        if (headers.isEmpty()) {
            return new Found.Absent();
        }
        if (headers.size() > 1) {
            return new Found.Malformed("The request carries more than one Authorization header.");
        }
        String value = headers.get(0).strip();
        int space = value.indexOf(' ');
        String scheme = space < 0 ? value : value.substring(0, space);
        if (!scheme.toLowerCase(Locale.ROOT).equals(SCHEME)) {
            return new Found.Absent();
        }
        String token = space < 0 ? "" : value.substring(space + 1).strip();
        if (token.isEmpty()) {
            return new Found.Malformed("The Bearer credential is empty.");
        }
        if (!B64TOKEN.matcher(token).matches()) {
            return new Found.Malformed("The Authorization header does not carry exactly one Bearer token.");
        }
        return new Found.Present(token);
    }
}
