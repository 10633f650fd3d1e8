package io.portcullis.auth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The fields of an auth request, from a JSON object body or (for the OAuth endpoints) a form. Reading
 * fails with a message that names the field at fault: malformed JSON, a body that is not an object,
 * unknown fields, wrong types, missing or oversized values. Not thread-safe; one per request.
 */
final class RequestFields {
    /** Larger bodies are refused before parsing. */
    static final int MAX_BODY_BYTES = 2 * 1024 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder().build();

    static {
        JSON.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(16)
                        .maxStringLength(MAX_BODY_BYTES)
                        .build());
    }

    private final Map<String, JsonNode> json;
    private final Map<String, String[]> form;

    private RequestFields(Map<String, JsonNode> json, Map<String, String[]> form) {
        this.json = json;
        this.form = form;
    }

    /** Thrown for input a client must fix; its message names the field and is safe to return. */
    static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;

        BadInput(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Reads the body: JSON always; a form too when {@code formAllowed} (RFC 7009 / RFC 7662 endpoints).
     *
     * @param allowed the field names this endpoint takes; any other is refused
     */
    static RequestFields read(HttpServletRequest request, Set<String> allowed, boolean formAllowed) throws BadInput {
        return read(request, allowed, formAllowed, false);
    }

    private static RequestFields read(
            HttpServletRequest request, Set<String> allowed, boolean formAllowed, boolean emptyAllowed)
            throws BadInput {
        String type = Optional.ofNullable(request.getContentType()).orElse("").toLowerCase(Locale.ROOT);
        if (formAllowed && type.startsWith("application/x-www-form-urlencoded")) {
            Map<String, String[]> params = formParameters(request);
            for (String name : params.keySet()) {
                if (!allowed.contains(name)) {
                    throw new BadInput("Unknown field '" + truncate(name) + "'.");
                }
                if (params.get(name).length > 1) {
                    throw new BadInput("Field '" + name + "' is given more than once.");
                }
            }
            return new RequestFields(Map.of(), params);
        }
        if (!type.isEmpty() && !type.startsWith("application/json") && !type.contains("+json")) {
            throw new BadInput("Send the body as application/json"
                    + (formAllowed ? " or application/x-www-form-urlencoded." : "."));
        }
        if (request.getContentLengthLong() > MAX_BODY_BYTES) {
            throw new BadInput("The body is larger than " + MAX_BODY_BYTES + " bytes.");
        }
        JsonNode root;
        try (InputStream in = request.getInputStream()) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new BadInput("The body is larger than " + MAX_BODY_BYTES + " bytes.");
            }
            if (body.length == 0 && emptyAllowed) {
                return new RequestFields(Map.of(), Map.of());
            }
            if (body.length == 0) {
                throw new BadInput("The body must be a JSON object.");
            }
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadInput("The body is not valid JSON.");
        } catch (IOException e) {
            throw new BadInput("The body could not be read.");
        }
        if (root == null || !root.isObject()) {
            throw new BadInput("The body must be a JSON object.");
        }
        Map<String, JsonNode> fields = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (!allowed.contains(field.getKey())) {
                throw new BadInput("Unknown field '" + truncate(field.getKey()) + "'.");
            }
            fields.put(field.getKey(), field.getValue());
        }
        return new RequestFields(fields, Map.of());
    }

    /**
     * The parsed form. Parsing is the container's (or the WAF's, once it has read the body), and a body it
     * cannot decode, such as one declaring a charset the JVM does not know, makes it throw: that is the
     * client's mistake, not the gateway's.
     */
    private static Map<String, String[]> formParameters(HttpServletRequest request) throws BadInput {
        try {
            return request.getParameterMap();
        } catch (RuntimeException e) {
            throw new BadInput("The form body cannot be decoded.");
        }
    }

    /** Whether the body is declared as a form ({@code application/x-www-form-urlencoded}). */
    static boolean isForm(HttpServletRequest request) {
        return Optional.ofNullable(request.getContentType())
                .orElse("")
                .toLowerCase(Locale.ROOT)
                .startsWith("application/x-www-form-urlencoded");
    }

    /** An empty body is allowed (e.g. logout without a refresh token), whatever its declared type. */
    static RequestFields readOptional(HttpServletRequest request, Set<String> allowed) throws BadInput {
        if (request.getContentLengthLong() == 0) {
            return new RequestFields(Map.of(), Map.of());
        }
        return read(request, allowed, false, true);
    }

    Optional<String> string(String name, int maxLength) throws BadInput {
        String value;
        if (form.containsKey(name)) {
            value = form.get(name)[0];
        } else {
            JsonNode node = json.get(name);
            if (node == null || node.isNull()) {
                return Optional.empty();
            }
            if (!node.isTextual()) {
                throw new BadInput("Field '" + name + "' must be a string.");
            }
            value = node.asText();
        }
        if (value.length() > maxLength) {
            throw new BadInput("Field '" + name + "' is longer than " + maxLength + " characters.");
        }
        return Optional.of(value);
    }

    /** A JSON boolean; in a form, {@code true} or {@code false}. */
    Optional<Boolean> bool(String name) throws BadInput {
        if (form.containsKey(name)) {
            String text = form.get(name)[0];
            if (!text.equals("true") && !text.equals("false")) {
                throw new BadInput("Field '" + name + "' must be true or false.");
            }
            return Optional.of(Boolean.parseBoolean(text));
        }
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isBoolean()) {
            throw new BadInput("Field '" + name + "' must be true or false.");
        }
        return Optional.of(node.asBoolean());
    }

    /** A whole number from {@code min} to {@code max}; in a form, its decimal digits. */
    Optional<Long> integer(String name, long min, long max) throws BadInput {
        JsonNode node = form.containsKey(name) ? null : json.get(name);
        Optional<Long> value;
        if (form.containsKey(name)) {
            String text = form.get(name)[0];
            value = text.matches("[0-9]{1,18}") ? Optional.of(Long.parseLong(text)) : Optional.of(Long.MIN_VALUE);
        } else if (node == null || node.isNull()) {
            return Optional.empty();
        } else {
            value = node.isIntegralNumber() && node.canConvertToLong()
                    ? Optional.of(node.asLong())
                    : Optional.of(Long.MIN_VALUE);
        }
        if (value.get() < min || value.get() > max) {
            throw new BadInput("Field '" + name + "' must be a whole number from " + min + " to " + max + ".");
        }
        return value;
    }

    String requireString(String name, int minLength, int maxLength) throws BadInput {
        String value = string(name, maxLength).orElseThrow(() -> new BadInput("Field '" + name + "' is required."));
        if (value.length() < minLength) {
            throw new BadInput("Field '" + name + "' must be at least " + minLength + " characters.");
        }
        return value;
    }

    /** A list of strings; a single string counts as a list of one (as for {@code usage_scope}). */
    List<String> strings(String name, int maxItems, int maxLength) throws BadInput {
        JsonNode node = json.get(name);
        if (node == null || node.isNull()) {
            return form.containsKey(name) ? List.of(form.get(name)[0].trim().split("\\s+")) : List.of();
        }
        List<String> values = new ArrayList<>();
        if (node.isTextual()) {
            Collections.addAll(values, node.asText().trim().split("[\\s,]+"));
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                if (!item.isTextual()) {
                    throw new BadInput("Field '" + name + "' must be a string or a list of strings.");
                }
                values.add(item.asText());
            }
        } else {
            throw new BadInput("Field '" + name + "' must be a string or a list of strings.");
        }
        values.removeIf(String::isBlank);
        if (values.size() > maxItems) {
            throw new BadInput("Field '" + name + "' has more than " + maxItems + " entries.");
        }
        for (String value : values) {
            if (value.length() > maxLength || !value.matches("[A-Za-z0-9._:/-]+")) {
                throw new BadInput("Field '" + name + "' holds an invalid entry: use A-Z a-z 0-9 . _ : / -, at most "
                        + maxLength + " characters.");
            }
        }
        return List.copyOf(values);
    }

    private static String truncate(String name) {
        return name.length() > 40 ? name.substring(0, 40) + "…" : name;
    }
}
