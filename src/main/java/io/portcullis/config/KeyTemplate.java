package io.portcullis.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A direct route's Redis key template such as {@code cart:{sub}} or {@code doc:{tenant}:{sub}:{path.id}},
 * parsed once at start-up: literal text, placeholders naming a claim of the verified token
 * ({@code {sub}}, {@code {tenant}}), and placeholders naming a path segment declared by the route's
 * {@code direct.path} ({@code {path.id}}). Immutable and thread-safe.
 *
 * @param source the template as written in the configuration
 * @param parts the template's pieces in order
 */
public record KeyTemplate(String source, List<Part> parts) {
    /** Prefix of the placeholders that name a path segment. */
    public static final String PATH_PREFIX = "path.";
    /**
     * Registered claims that do not tell one caller from another: a key built only from them would be shared
     * by every caller, so they never count as the owner's identity.
     */
    public static final Set<String> NOT_IDENTIFYING =
            Set.of("iss", "aud", "typ", "scope", "scp", "roles", "iat", "exp", "nbf", "azp", "auth_time", "acr", "amr");

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]{0,63}");

    public KeyTemplate {
        parts = List.copyOf(parts);
    }

    /** One piece of a template. */
    public sealed interface Part {}

    /** Text used as written. */
    public record Literal(String text) implements Part {}

    /** The value of a claim of the verified token ({@code sub} is the subject). */
    public record Claim(String name) implements Part {}

    /** The value of a named path segment after the route's prefix. */
    public record PathSegment(String name) implements Part {}

    /**
     * Parses {@code source}.
     *
     * @throws IllegalArgumentException with a message fit for a configuration problem when the template is
     *     malformed: an unclosed or empty brace, a brace inside a placeholder, a name that is not an identifier
     */
    public static KeyTemplate parse(String source) {
        List<Part> parts = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '}') {
                throw new IllegalArgumentException("has a '}' without its '{'");
            }
            if (c != '{') {
                literal.append(c);
                i++;
                continue;
            }
            int close = source.indexOf('}', i + 1);
            if (close < 0) {
                throw new IllegalArgumentException("has a '{' without its '}'");
            }
            String name = source.substring(i + 1, close);
            if (name.indexOf('{') >= 0) {
                throw new IllegalArgumentException("has a '{' inside a placeholder");
            }
            if (!literal.isEmpty()) {
                parts.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            parts.add(placeholder(name));
            i = close + 1;
        }
        if (!literal.isEmpty()) {
            parts.add(new Literal(literal.toString()));
        }
        return new KeyTemplate(source, parts);
    }

    private static Part placeholder(String name) {
        boolean path = name.startsWith(PATH_PREFIX);
        String bare = path ? name.substring(PATH_PREFIX.length()) : name;
        if (!NAME.matcher(bare).matches()) {
            throw new IllegalArgumentException(
                    "has a placeholder {" + name + "} that is not a claim name or " + "path.<segment name>");
        }
        return path ? new PathSegment(bare) : new Claim(bare);
    }

    /**
     * Whether some placeholder names the caller: {@code {sub}} or another claim that is not one of
     * {@link #NOT_IDENTIFYING}. A template without one would let one caller read another's key.
     */
    public boolean identifiesCaller() {
        return parts.stream().anyMatch(p -> p instanceof Claim claim && !NOT_IDENTIFYING.contains(claim.name()));
    }

    /** The names of the path segments the template uses, in order of first use. */
    public Set<String> pathSegments() {
        Set<String> names = new LinkedHashSet<>();
        for (Part part : parts) {
            if (part instanceof PathSegment segment) {
                names.add(segment.name());
            }
        }
        return names;
    }

    @Override
    public String toString() {
        return source;
    }
}
