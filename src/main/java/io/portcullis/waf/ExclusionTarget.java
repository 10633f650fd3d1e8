package io.portcullis.waf;

import java.util.Locale;

/**
 * One value of a request named in an exclusion's {@code targets}: {@code json:$.a.b} (that JSON field and
 * everything inside it, and its key), {@code arg:q} (a query, form or multipart field and its name),
 * {@code header:referer}, {@code cookie:prefs}, or {@code body} (a body inspected as raw text). Immutable.
 *
 * @param kind what part of the request it names
 * @param name the field, header or cookie name, or the JSON path without {@code $.}; empty for the body
 */
record ExclusionTarget(String kind, String name) {

    /** Parses a target as validated by the configuration ({@link io.portcullis.config.WafConfig.Exclusion#TARGET}). */
    static ExclusionTarget parse(String spec) {
        if (spec.equals("body")) {
            return new ExclusionTarget("body", "");
        }
        int colon = spec.indexOf(':');
        String kind = spec.substring(0, colon);
        String name = spec.substring(colon + 1);
        if (kind.equals("json")) {
            name = name.equals("$") ? "" : name.substring(2);
        }
        return new ExclusionTarget(kind, kind.equals("header") ? name.toLowerCase(Locale.ROOT) : name);
    }

    /** True when this names the target. */
    boolean selects(Target target) {
        String label = target.label();
        return switch (kind) {
            case "body" -> target.kind() == TargetKind.BODY;
            case "arg" ->
                (target.kind() == TargetKind.ARGS
                                || target.kind() == TargetKind.ARGS_NAMES
                                || target.kind() == TargetKind.FILES)
                        && !label.startsWith("JSON")
                        && target.key().equals(name);
            case "header" ->
                (target.kind() == TargetKind.HEADERS || target.kind() == TargetKind.HEADER_NAMES)
                        && target.key().equalsIgnoreCase(name);
            case "cookie" ->
                (target.kind() == TargetKind.COOKIES || target.kind() == TargetKind.COOKIE_NAMES)
                        && target.key().equals(name);
            case "json" -> json(label, "JSON:") || json(label, "JSON_KEYS:");
            default -> false;
        };
    }

    private boolean json(String label, String prefix) {
        if (!label.startsWith(prefix)) {
            return false;
        }
        if (name.isEmpty()) {
            return true;
        }
        String path = label.substring(prefix.length());
        return path.equals(name)
                || path.startsWith(name) && (path.charAt(name.length()) == '.' || path.charAt(name.length()) == '[');
    }
}
