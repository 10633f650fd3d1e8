package io.portcullis.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cursor over one YAML mapping that reads typed values, records a problem (naming the key path and
 * the bad value) for each one it cannot use, and reports keys nobody asked for. Not thread-safe; used
 * once while loading.
 */
final class Section {
    private static final Pattern KEY_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);

    private final String path;
    private final JsonNode node;
    private final List<String> problems;
    private final Set<String> read = new LinkedHashSet<>();

    Section(String path, JsonNode node, List<String> problems) {
        this.path = path;
        this.node = node;
        this.problems = problems;
        // An empty document reads as a missing node: like an absent section, it means "all defaults".
        if (node != null && !node.isNull() && !node.isMissingNode() && !node.isObject()) {
            problems.add(label() + ": must be a mapping (was " + describe(node) + ")");
        }
    }

    String path() {
        return path;
    }

    String keyPath(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    void problem(String key, String message) {
        problems.add(keyPath(key) + ": " + message);
    }

    void problem(String key, String message, JsonNode value) {
        problems.add(keyPath(key) + ": " + message + " (was " + describe(value) + ")");
    }

    boolean has(String key) {
        JsonNode value = get(key);
        return value != null && !value.isNull();
    }

    private JsonNode get(String key) {
        read.add(key);
        return node == null || !node.isObject() ? null : node.get(key);
    }

    Optional<String> optionalString(String key) {
        JsonNode value = get(key);
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isValueNode() || value.isBoolean()) {
            problem(key, "must be a string", value);
            return Optional.empty();
        }
        return Optional.of(value.asText());
    }

    String string(String key, String fallback) {
        return optionalString(key).orElse(fallback);
    }

    boolean bool(String key, boolean fallback) {
        JsonNode value = get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            problem(key, "must be true or false", value);
            return fallback;
        }
        return value.booleanValue();
    }

    long integer(String key, long fallback, long min, long max) {
        JsonNode value = get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        // canConvertToLong: a number past the range of long would otherwise wrap round to a small one
        if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < min || value.asLong() > max) {
            problem(key, "must be a whole number from " + min + " to " + max, value);
            return fallback;
        }
        return value.asLong();
    }

    /** A positive duration. */
    Duration duration(String key, Duration fallback) {
        return duration(key, fallback, false);
    }

    /** A duration that may be {@code 0s}, for allowances such as clock-skew leeway. */
    Duration allowance(String key, Duration fallback) {
        return duration(key, fallback, true);
    }

    private Duration duration(String key, Duration fallback, boolean zeroAllowed) {
        JsonNode value = get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        Optional<Duration> parsed = value.isTextual() ? parseDuration(value.asText()) : Optional.empty();
        if (parsed.isEmpty() || (parsed.get().isZero() && !zeroAllowed)) {
            problem(
                    key,
                    "must be a " + (zeroAllowed ? "" : "positive ") + "duration such as 500ms, 15s, 15m, 24h or 7d",
                    value);
            return fallback;
        }
        return parsed.get();
    }

    long size(String key, long fallback) {
        JsonNode value = get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        Optional<Long> parsed = parseSize(value.asText());
        if (!value.isValueNode() || parsed.isEmpty() || parsed.get() <= 0) {
            problem(key, "must be a positive size such as 512KB or 1MB", value);
            return fallback;
        }
        return parsed.get();
    }

    <E extends Enum<E>> E enumValue(String key, Class<E> type, E fallback) {
        JsonNode raw = get(key);
        if (raw != null && raw.isBoolean() && !raw.booleanValue() && hasConstant(type, "OFF")) {
            // YAML 1.1 reads a bare `off` as false: take it as the OFF the user wrote.
            return Enum.valueOf(type, "OFF");
        }
        Optional<String> text = optionalString(key);
        if (text.isEmpty()) {
            return fallback;
        }
        String wanted = text.get().trim().replace('-', '_').toUpperCase(Locale.ROOT);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted)) {
                return constant;
            }
        }
        problem(key, "must be one of " + names(type), get(key));
        return fallback;
    }

    /** A list of strings; a single string counts as a list of one. */
    List<String> strings(String key, List<String> fallback) {
        JsonNode value = get(key);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (value.isTextual()) {
            return List.of(value.asText());
        }
        if (!value.isArray()) {
            problem(key, "must be a list of strings", value);
            return fallback;
        }
        List<String> result = new ArrayList<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isValueNode() || item.isNull() || item.isBoolean()) {
                problems.add(keyPath(key) + "[" + i + "]: must be a string (was " + describe(item) + ")");
            } else {
                result.add(item.asText());
            }
        }
        return result;
    }

    Section section(String key) {
        return new Section(keyPath(key), get(key), problems);
    }

    /** Reads each mapping of a list; the reader is given a section whose path ends in {@code [i]}. */
    void each(String key, Consumer<Section> reader) {
        JsonNode value = get(key);
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isArray()) {
            problem(key, "must be a list", value);
            return;
        }
        for (int i = 0; i < value.size(); i++) {
            Section item = new Section(keyPath(key) + "[" + i + "]", value.get(i), problems);
            reader.accept(item);
            item.finish();
        }
    }

    JsonNode raw(String key) {
        return get(key);
    }

    /** The keys of this mapping, in file order (none when it is absent or not a mapping). */
    List<String> keys() {
        List<String> keys = new ArrayList<>();
        if (node != null && node.isObject()) {
            node.fieldNames().forEachRemaining(keys::add);
        }
        return keys;
    }

    /** Records a problem for every key that no reader asked for: a typo must not pass silently. */
    void finish() {
        if (node == null || !node.isObject()) {
            return;
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!read.contains(name)) {
                // A "key" that is not a name may be a value that lost its colon, secret and all: never quote it.
                problems.add(
                        KEY_NAME.matcher(name).matches()
                                ? keyPath(name) + ": unknown key"
                                : label() + ": unknown key that is not a plain name (" + name.length()
                                        + " characters)");
            }
        }
    }

    private String label() {
        return path.isEmpty() ? "(top level)" : path;
    }

    static Optional<Duration> parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        return Optional.of(
                switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "s" -> Duration.ofSeconds(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    default -> Duration.ofDays(amount);
                });
    }

    static Optional<Long> parseSize(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        long factor = switch (unit) {
            case "KB" -> 1024L;
            case "MB" -> 1024L * 1024;
            case "GB" -> 1024L * 1024 * 1024;
            default -> 1L;
        };
        try {
            return Optional.of(Math.multiplyExact(amount, factor));
        } catch (ArithmeticException overflow) {
            return Optional.empty();
        }
    }

    static String describe(JsonNode value) {
        if (value == null || value.isNull()) {
            return "empty";
        }
        if (value.isTextual()) {
            String text = value.asText();
            return "\"" + (text.length() > 80 ? text.substring(0, 80) + "…" : text) + "\"";
        }
        if (value.isContainerNode()) {
            return value.isArray() ? "a list" : "a mapping";
        }
        return value.toString();
    }

    private static <E extends Enum<E>> boolean hasConstant(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private static <E extends Enum<E>> String names(Class<E> type) {
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
            String name = constant.name();
            names.add(
                    name.matches("[A-Z]+\\d+")
                            ? name
                            : name.toLowerCase(Locale.ROOT).replace('_', '-'));
        }
        return String.join(" | ", names);
    }
}
