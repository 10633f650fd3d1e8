package io.portcullis.direct;

import io.portcullis.chain.TokenClaims;
import io.portcullis.config.KeyTemplate;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Fills a {@link KeyTemplate} for one request. A value substituted into a key must not be able to change
 * the key's shape: empty values, values over {@link #MAX_VALUE_LENGTH} characters, and values holding
 * whitespace, control characters, unpaired surrogates or the glob and hash-tag characters {@code * ? [ ] { }}
 * are refused (a claim → 403, since the token cannot be used here; a path segment → 400); path segments may not hold
 * {@code :} either, so a caller cannot step into another level of the key's namespace. Stateless and
 * thread-safe.
 */
public final class KeyResolver {
    /** The longest value substituted for one placeholder. */
    static final int MAX_VALUE_LENGTH = 256;

    private KeyResolver() {}

    /** The key, or the problem to answer with. */
    public sealed interface Resolution {
        record Key(String key) implements Resolution {}

        record Refused(Problem problem) implements Resolution {}
    }

    /**
     * @param claims the verified token's claims
     * @param segments the request's named path segments
     */
    public static Resolution resolve(KeyTemplate template, TokenClaims claims, Map<String, String> segments) {
        StringBuilder key = new StringBuilder();
        for (KeyTemplate.Part part : template.parts()) {
            if (part instanceof KeyTemplate.Literal literal) {
                key.append(literal.text());
            } else if (part instanceof KeyTemplate.Claim claim) {
                String value = claims.get(claim.name()).orElse(null);
                if (value == null || !safe(value, false)) {
                    return new Resolution.Refused(Problem.of(
                            ProblemType.FORBIDDEN,
                            value == null
                                    ? "The token has no '" + claim.name() + "' claim, which this route needs."
                                    : "The token's '" + claim.name() + "' claim cannot name a key on this route."));
                }
                key.append(value);
            } else if (part instanceof KeyTemplate.PathSegment segment) {
                String value = segments.get(segment.name());
                if (value == null || !safe(value, true)) {
                    return new Resolution.Refused(Problem.of(
                            ProblemType.BAD_REQUEST,
                            "The path segment '" + segment.name() + "' holds characters a key cannot have."));
                }
                key.append(value);
            }
        }
        return new Resolution.Key(key.toString());
    }

    /** The named segments of {@code remainder} ({@code /a/b} for names [list, item]), or null when they do not fit. */
    static Map<String, String> segments(List<String> names, String remainder) {
        if (names.isEmpty()) {
            return Map.of();
        }
        String[] values = (remainder.startsWith("/") ? remainder.substring(1) : remainder).split("/", -1);
        if (values.length != names.size()) {
            return null;
        }
        Map<String, String> named = new HashMap<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i].isEmpty()) {
                return null;
            }
            named.put(names.get(i), values[i]);
        }
        return named;
    }

    static boolean safe(String value, boolean pathSegment) {
        if (value.isEmpty() || value.length() > MAX_VALUE_LENGTH) {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
                continue;
            }
            // A lone surrogate reaches Redis as '?' (UTF-8 cannot hold it): another caller's key, or a glob.
            if (Character.isSurrogate(c)
                    || Character.isWhitespace(c)
                    || Character.isSpaceChar(c)
                    || Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT
                    || "*?[]{}".indexOf(c) >= 0
                    || (pathSegment && c == ':')) {
                return false;
            }
        }
        return true;
    }
}
