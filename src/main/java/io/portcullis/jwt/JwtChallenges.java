package io.portcullis.jwt;

import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import java.util.List;

/**
 * The JWT stage's refusals as problems with their RFC 6750 {@code WWW-Authenticate} challenges: no error
 * attribute when the token is missing, {@code invalid_token} with an {@code error_description} that tells
 * expired from revoked from invalid, {@code insufficient_scope} with the required {@code scope}, and 503 with
 * {@code Retry-After} when a token cannot be checked now. Stateless and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3</a>
 */
public final class JwtChallenges {
    public static final String REALM = "portcullis";
    static final String HEADER = "WWW-Authenticate";

    private JwtChallenges() {}

    public static Problem missing() {
        return Problem.of(ProblemType.TOKEN_MISSING, "This route requires a Bearer token in the Authorization header.")
                .withHeader(HEADER, "Bearer realm=\"" + REALM + "\"");
    }

    public static Problem invalid(String description) {
        return Problem.of(ProblemType.INVALID_TOKEN, description).withHeader(HEADER, "Bearer realm=\"" + REALM
                + "\", error=\"invalid_token\", error_description=\"" + quotable(description) + "\"");
    }

    public static Problem insufficientScope(List<String> required) {
        String scope = String.join(" ", required);
        String description = "The token lacks a scope this route requires: " + scope;
        return Problem.of(ProblemType.INSUFFICIENT_SCOPE, description).withHeader(HEADER, "Bearer realm=\"" + REALM
                + "\", error=\"insufficient_scope\", error_description=\"" + quotable(description)
                + "\", scope=\"" + quotable(scope) + "\"");
    }

    public static Problem unavailable(String description, long retryAfterSeconds) {
        return Problem.of(ProblemType.SERVICE_UNAVAILABLE, description)
                .withHeader("Retry-After", Long.toString(retryAfterSeconds));
    }

    /** Only the characters RFC 6750 allows inside these quoted strings: printable ASCII without " and \. */
    static String quotable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            out.append(c >= 0x20 && c <= 0x7e && c != '"' && c != '\\' ? c : '\'');
        }
        return out.toString();
    }
}
