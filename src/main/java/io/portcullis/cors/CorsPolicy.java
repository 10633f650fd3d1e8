package io.portcullis.cors;

import io.portcullis.config.CorsConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One route's CORS policy, ready for matching: exact origins in a set, {@code *.domain} patterns as a scheme
 * prefix and a {@code .domain[:port]} suffix around a non-empty run of host labels (so {@code evil-example.com}
 * and {@code example.com.evil.net} never match {@code https://*.example.com}), and the header values it answers
 * with, computed once. Immutable and thread-safe.
 *
 * @see <a href="https://fetch.spec.whatwg.org/#http-cors-protocol">Fetch, the CORS protocol</a>
 */
public final class CorsPolicy {
    private final CorsConfig config;
    private final boolean anyOrigin;
    private final Set<String> exactOrigins = new HashSet<>();
    private final List<String[]> patterns = new ArrayList<>();
    private final Set<String> methods;
    private final Set<String> headers;
    private final boolean anyHeader;
    private final String allowMethods;
    private final String exposeHeaders;
    private final String maxAge;

    public CorsPolicy(CorsConfig config) {
        this.config = config;
        boolean any = false;
        for (String origin : config.origins()) {
            if (origin.equals(CorsConfig.ANY)) {
                any = true;
            } else if (origin.contains("://*.")) {
                int at = origin.indexOf("://*.");
                patterns.add(new String[] {origin.substring(0, at + 3), origin.substring(at + 4)});
            } else {
                exactOrigins.add(origin);
            }
        }
        this.anyOrigin = any && !config.credentials();
        this.methods = Set.copyOf(config.methods());
        this.headers = Set.copyOf(config.headers());
        this.anyHeader = headers.contains(CorsConfig.ANY);
        this.allowMethods = String.join(", ", config.methods());
        this.exposeHeaders = String.join(", ", config.exposeHeaders());
        this.maxAge = Long.toString(config.maxAge().toSeconds());
    }

    public CorsConfig config() {
        return config;
    }

    /**
     * The value of {@code Access-Control-Allow-Origin} for a request whose {@code Origin} header is
     * {@code origin}: the origin itself (serialised) when listed or matched by a pattern, {@code *} when the
     * policy allows any origin without credentials; empty when the origin is not allowed or not an origin.
     * {@code null} is allowed only when listed literally.
     */
    public Optional<String> allowOrigin(String origin) {
        Optional<String> serialised = CorsConfig.origin(origin, false);
        if (serialised.isEmpty()) {
            return Optional.empty();
        }
        String o = serialised.get();
        if (exactOrigins.contains(o)) {
            return Optional.of(o);
        }
        if (o.equals(CorsConfig.NULL_ORIGIN)) {
            return Optional.empty();
        }
        for (String[] pattern : patterns) {
            String prefix = pattern[0];
            String suffix = pattern[1];
            if (o.length() > prefix.length() + suffix.length() && o.startsWith(prefix) && o.endsWith(suffix)) {
                String labels = o.substring(prefix.length(), o.length() - suffix.length());
                // The serialised origin's host is validated labels; what precedes ".domain" must be labels too.
                if (!labels.startsWith(".")
                        && !labels.endsWith(".")
                        && labels.chars()
                                .allMatch(c ->
                                        (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.')) {
                    return Optional.of(o);
                }
            }
        }
        return anyOrigin ? Optional.of(CorsConfig.ANY) : Optional.empty();
    }

    public boolean allowsMethod(String method) {
        return methods.contains(method);
    }

    /**
     * The header names of an {@code Access-Control-Request-Headers} value, lower case, when the policy allows every
     * one of them; empty when it refuses one.
     */
    public Optional<List<String>> allowHeaders(String requested) {
        List<String> names = new ArrayList<>();
        if (requested == null) {
            return Optional.of(names);
        }
        for (String part : requested.split(",")) {
            String name = part.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (!anyHeader && !headers.contains(name)) {
                return Optional.empty();
            }
            names.add(name);
        }
        return Optional.of(names);
    }

    public boolean credentials() {
        return config.credentials();
    }

    String allowMethods() {
        return allowMethods;
    }

    String exposeHeaders() {
        return exposeHeaders;
    }

    String maxAge() {
        return maxAge;
    }
}
