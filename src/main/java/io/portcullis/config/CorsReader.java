package io.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** Reads a {@code cors:} mapping into a {@link CorsConfig}, recording a problem for each bad value. */
final class CorsReader {
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");
    private static final Pattern METHOD = Pattern.compile("[A-Z][A-Z-]{0,19}");

    private CorsReader() {}

    /** What a route says about CORS: nothing (the default applies), off, or a policy of its own. */
    sealed interface Choice {
        record Inherit() implements Choice {}

        record Off() implements Choice {}

        record Own(CorsConfig policy) implements Choice {}
    }

    /** {@code key} of {@code parent}: absent, {@code off} / {@code false}, or a mapping read by {@link #read}. */
    static Choice choice(Section parent, String key) {
        JsonNode raw = parent.raw(key);
        if (raw == null || raw.isNull()) {
            return new Choice.Inherit();
        }
        if ((raw.isBoolean() && !raw.booleanValue()) || "off".equals(raw.asText(null))) {
            return new Choice.Off();
        }
        if (!raw.isObject()) {
            parent.problem(
                    key,
                    "must be off or a mapping {origins, methods, headers, expose-headers, credentials, " + "max-age}",
                    raw);
            return new Choice.Off();
        }
        Section s = parent.section(key);
        CorsConfig policy = read(s);
        s.finish();
        return new Choice.Own(policy);
    }

    private static CorsConfig read(Section s) {
        List<String> origins = new ArrayList<>();
        List<String> texts = s.strings("origins", List.of());
        if (texts.isEmpty()) {
            s.problem("origins", "required: the browser origins allowed to call, such as https://app.example.com");
        }
        for (int i = 0; i < texts.size(); i++) {
            String text = texts.get(i).strip();
            Optional<String> origin =
                    text.equals(CorsConfig.ANY) ? Optional.of(CorsConfig.ANY) : CorsConfig.origin(text, true);
            if (origin.isEmpty()) {
                s.problem(
                        "origins[" + i + "]",
                        "not an origin: scheme://host[:port] with no path and no trailing "
                                + "slash, *, null or scheme://*.domain (was \"" + texts.get(i) + "\")");
            } else if (!origins.contains(origin.get())) {
                origins.add(origin.get());
            }
        }
        List<String> methods = tokens(s, "methods", CorsConfig.DEFAULT_METHODS, true);
        List<String> headers = tokens(s, "headers", List.of(), false);
        List<String> expose = tokens(s, "expose-headers", List.of(), false);
        boolean credentials = s.bool("credentials", false);
        if (credentials && origins.contains(CorsConfig.ANY)) {
            s.problem(
                    "credentials",
                    "cannot be true when origins holds *: browsers refuse credentials with any "
                            + "origin; list the origins instead");
        }
        if (expose.contains(CorsConfig.ANY)) {
            s.problem("expose-headers", "must name the headers (* is not accepted)");
        }
        Duration maxAge = s.allowance("max-age", CorsConfig.DEFAULT_MAX_AGE);
        if (maxAge.compareTo(CorsConfig.MAX_MAX_AGE) > 0) {
            s.problem("max-age", "must be at most 24h (browsers cap it far lower; was " + maxAge + ")");
        }
        return new CorsConfig(
                origins,
                methods,
                headers.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(),
                expose,
                credentials,
                maxAge);
    }

    private static List<String> tokens(Section s, String key, List<String> fallback, boolean methods) {
        List<String> values = s.strings(key, fallback);
        List<String> result = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            String value = values.get(i).strip();
            boolean valid = methods
                    ? METHOD.matcher(value).matches()
                    : value.equals(CorsConfig.ANY) || TOKEN.matcher(value).matches();
            if (!valid) {
                s.problem(
                        key + "[" + i + "]",
                        (methods ? "not an upper-case method name" : "not a header name") + " (was \"" + values.get(i)
                                + "\")");
            } else if (!result.contains(value)) {
                result.add(value);
            }
        }
        return result;
    }
}
