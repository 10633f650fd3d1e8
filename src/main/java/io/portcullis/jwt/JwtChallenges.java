package io.portcullis.jwt;

import io.portcullis.chain.StoreUnavailableException;
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
    /** The realm of every {@code WWW-Authenticate} challenge the gateway writes: defined here only. */
    public static final String REALM = "portcullis";

    public static final String HEADER = "WWW-Authenticate";

    private JwtChallenges() {}

    /** 401 without an error attribute: no credentials were sent (RFC 6750 §3.1). */
    public static Problem missing() {
        return missing("This route requires a Bearer token in the Authorization header.");
    }

    /** As {@link #missing()}, with the endpoint's own detail. */
    public static Problem missing(String detail) {
        return Problem.of(ProblemType.TOKEN_MISSING, detail).withHeader(HEADER, challenge());
    }

    public static Problem invalid(String description) {
        return Problem.of(ProblemType.INVALID_TOKEN, description)
                .withHeader(HEADER, challenge("error", "invalid_token", "error_description", description));
    }

    public static Problem insufficientScope(List<String> required) {
        String scope = String.join(" ", required);
        String description = "The token lacks a scope this route requires: " + scope;
        return Problem.of(ProblemType.INSUFFICIENT_SCOPE, description)
                .withHeader(
                        HEADER,
                        challenge("error", "insufficient_scope", "error_description", description, "scope", scope));
    }

    /**
     * 401 {@code insufficient_user_authentication}: the token is valid but its password login is older than
     * {@code maxAgeSeconds}.
     *
     * @see <a href="https://www.rfc-editor.org/rfc/rfc9470">RFC 9470</a>
     */
    public static Problem insufficientUserAuthentication(String detail, String description, long maxAgeSeconds) {
        return Problem.of(ProblemType.INSUFFICIENT_USER_AUTHENTICATION, detail)
                .withHeader(
                        HEADER,
                        challenge("error", "insufficient_user_authentication", "error_description", description)
                                + ", max_age=" + maxAgeSeconds);
    }

    /** 503 with {@link StoreUnavailableException#RETRY_AFTER_SECONDS}: the token cannot be checked right now. */
    public static Problem unavailable(String description) {
        return unavailable(description, StoreUnavailableException.RETRY_AFTER_SECONDS);
    }

    public static Problem unavailable(String description, long retryAfterSeconds) {
        return Problem.of(ProblemType.SERVICE_UNAVAILABLE, description)
                .withHeader("Retry-After", Long.toString(retryAfterSeconds));
    }

    /**
     * The one place a {@code WWW-Authenticate} value is made: {@code Bearer realm="portcullis"}, then each
     * name and value given, the value as a quoted string.
     */
    static String challenge(String... namesAndValues) {
        StringBuilder out = new StringBuilder("Bearer realm=\"").append(REALM).append('"');
        for (int i = 0; i + 1 < namesAndValues.length; i += 2) {
            out.append(", ")
                    .append(namesAndValues[i])
                    .append("=\"")
                    .append(quotable(namesAndValues[i + 1]))
                    .append('"');
        }
        return out.toString();
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
