package io.portcullis.waf;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.google.re2j.Pattern;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Takes a {@link WafRequest} apart into the {@link Target}s the rules inspect, and notes the anomalies met
 * on the way (a malformed multipart body, JSON nested too deep, NUL bytes). Long values are cut into
 * overlapping windows, and at most
 * {@link #MAX_SCAN} characters of one value are inspected, so the work per target is bounded.
 * Stateless and thread-safe.
 */
public final class TargetExtractor {
    /** The longest piece of a value inspected at once; longer values are windowed. */
    static final int WINDOW = 16 * 1024;
    /** How far consecutive windows overlap, so a pattern across a window edge is still found. */
    static final int OVERLAP = 512;
    /**
     * How much of one value is inspected at most. The rest of a longer value (a large text body, a huge
     * JSON string) is not: this bounds the time one field can cost, whatever it holds.
     */
    static final int MAX_SCAN = 64 * 1024;
    /** Deeper JSON is not walked, and counts as an anomaly. */
    static final int MAX_JSON_DEPTH = 64;
    /** Longer labels (argument names chosen by the client) are cut in the log. */
    static final int MAX_LABEL = 80;

    /** Headers whose values are structured and left to the protocol checks, not to the attack patterns. */
    private static final Set<String> STRUCTURED_HEADERS = Set.of(
            "accept",
            "accept-encoding",
            "accept-language",
            "accept-charset",
            "authorization",
            "proxy-authorization",
            "content-length",
            "content-type",
            "connection",
            "keep-alive",
            "host",
            "cookie",
            "transfer-encoding",
            "te",
            "if-none-match",
            "if-match",
            "if-modified-since",
            "if-unmodified-since",
            "cache-control",
            "pragma",
            "upgrade-insecure-requests",
            "traceparent",
            "tracestate",
            "x-request-id",
            "dnt",
            "priority",
            "range",
            "x-api-key",
            "origin",
            "sec-websocket-key",
            "sec-websocket-version",
            "sec-websocket-extensions",
            "sec-websocket-protocol",
            "upgrade");

    private static final Pattern INCLUDE_NAME = Pattern.compile(
            "path|file|include|dir|root|conf|module|lib|template|tpl|folder|document", Pattern.CASE_INSENSITIVE);
    private static final Pattern LINK_NAME = Pattern.compile(
            "url|uri|link|href|callback|redirect|return|next|image|img|avatar|photo|icon|logo|webhook|endpoint",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern REMOTE_URL = Pattern.compile(
            "^\\s*(?:https?|ftps?|file|php|data|expect|phar|zip|ssh2\\.\\w+)://", Pattern.CASE_INSENSITIVE);
    private static final Set<String> FILENAME_HEADERS = Set.of("x-filename", "x_filename", "x.filename", "x-file-name");

    private final JsonFactory json;

    public TargetExtractor() {
        this.json = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(MAX_JSON_DEPTH + 1)
                        .build())
                .build();
    }

    /** What came out of one request. */
    public record Extraction(List<Target> targets, Map<ProtocolRule, String> anomalies) {}

    public Extraction extract(WafRequest request) {
        List<Target> targets = new ArrayList<>();
        Map<ProtocolRule, String> anomalies = new EnumMap<>(ProtocolRule.class);
        add(targets, TargetKind.PATH, "", "REQUEST_FILENAME", request.rawPath());
        if (request.query() != null && !request.query().isEmpty()) {
            form(request.query(), StandardCharsets.UTF_8, "ARGS_GET", targets);
        }
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey();
            String lower = name.toLowerCase(Locale.ROOT);
            add(targets, TargetKind.HEADER_NAMES, name, "REQUEST_HEADERS_NAMES:" + name, name);
            if (lower.equals("cookie")) {
                cookies(header.getValue(), targets);
            } else if (!STRUCTURED_HEADERS.contains(lower) && !lower.startsWith("sec-")) {
                add(targets, TargetKind.HEADERS, name, "REQUEST_HEADERS:" + name, header.getValue());
            }
            if (FILENAME_HEADERS.contains(lower)) {
                add(targets, TargetKind.FILES, name, "FILES:" + name, header.getValue());
            }
        }
        if (request.body() != null && request.body().length > 0) {
            body(request, targets, anomalies);
        }
        for (Target target : targets) {
            if (target.kind() != TargetKind.BODY && target.value().indexOf('\0') >= 0) {
                anomalies.putIfAbsent(ProtocolRule.NUL_BYTE, target.label());
            }
            // "://" first: REMOTE_URL needs it, and it spares the two name patterns on almost every value
            if (target.kind() == TargetKind.ARGS
                    && target.value().contains("://")
                    && INCLUDE_NAME.matcher(target.key()).find()
                    && !LINK_NAME.matcher(target.key()).find()
                    && REMOTE_URL.matcher(target.value()).find()) {
                anomalies.putIfAbsent(ProtocolRule.REMOTE_INCLUDE_PARAMETER, target.label());
            }
        }
        return new Extraction(targets, anomalies);
    }

    private void body(WafRequest request, List<Target> targets, Map<ProtocolRule, String> anomalies) {
        String contentType = request.header("Content-Type");
        BodyKind kind = BodyKind.of(request.mediaType());
        Charset charset = charset(contentType);
        switch (kind) {
            case FORM -> form(new String(request.body(), StandardCharsets.ISO_8859_1), charset, "ARGS_POST", targets);
            case JSON -> json(request.body(), targets, anomalies);
            case MULTIPART -> multipart(request.body(), contentType, targets, anomalies);
            case TEXT -> add(targets, TargetKind.BODY, "", "REQUEST_BODY", new String(request.body(), charset));
            case OPAQUE -> {}
        }
    }

    /** Query strings and form bodies: {@code name=value} pairs separated by {@code &}, percent-decoded once. */
    private static void form(String encoded, Charset charset, String source, List<Target> targets) {
        int n = encoded.length();
        int start = 0;
        while (start <= n) {
            int end = encoded.indexOf('&', start);
            if (end < 0) {
                end = n;
            }
            if (end > start) {
                String pair = encoded.substring(start, end);
                int eq = pair.indexOf('=');
                String name = decode(eq < 0 ? pair : pair.substring(0, eq), charset);
                String value = eq < 0 ? "" : decode(pair.substring(eq + 1), charset);
                add(targets, TargetKind.ARGS_NAMES, name, source + "_NAMES:" + name, name);
                add(targets, TargetKind.ARGS, name, "ARGS:" + name, eq < 0 ? name : value);
            }
            start = end + 1;
        }
    }

    private static String decode(String value, Charset charset) {
        if (value.indexOf('%') < 0) {
            return value.replace('+', ' ');
        }
        if (charset.equals(StandardCharsets.ISO_8859_1)) {
            try {
                return URLDecoder.decode(value, charset);
            } catch (IllegalArgumentException malformed) {
                return value.replace('+', ' ');
            }
        }
        // UTF-8 where the bytes form UTF-8, single bytes as Latin-1 otherwise: an attack hidden in invalid
        // UTF-8 stays visible instead of turning into replacement characters
        return Normalizer.urlDecode(value.replace('+', ' '));
    }

    private static void cookies(String header, List<Target> targets) {
        for (String part : header.split(";")) {
            String pair = part.strip();
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq).strip();
            String value = eq < 0 ? "" : pair.substring(eq + 1).strip();
            add(targets, TargetKind.COOKIE_NAMES, name, "REQUEST_COOKIES_NAMES:" + name, name);
            add(targets, TargetKind.COOKIES, name, "REQUEST_COOKIES:" + name, value);
        }
    }

    private void json(byte[] body, List<Target> targets, Map<ProtocolRule, String> anomalies) {
        List<Frame> frames = new ArrayList<>();
        int before = targets.size();
        try (JsonParser parser = json.createParser(body)) {
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                switch (token) {
                    case START_OBJECT, START_ARRAY -> {
                        frames.add(new Frame(token == JsonToken.START_ARRAY));
                        if (frames.size() > MAX_JSON_DEPTH) {
                            anomalies.put(ProtocolRule.JSON_TOO_DEEP, "REQUEST_BODY");
                            return;
                        }
                    }
                    case END_OBJECT, END_ARRAY -> {
                        frames.remove(frames.size() - 1);
                        next(frames);
                    }
                    case FIELD_NAME -> {
                        Frame frame = frames.get(frames.size() - 1);
                        frame.field = parser.currentName();
                        add(targets, TargetKind.ARGS_NAMES, frame.field, "JSON_KEYS:" + path(frames), frame.field);
                    }
                    case VALUE_STRING -> {
                        String key = frames.isEmpty() || frames.get(frames.size() - 1).array
                                ? ""
                                : frames.get(frames.size() - 1).field;
                        add(targets, TargetKind.ARGS, key, "JSON:" + path(frames), parser.getText());
                        next(frames);
                    }
                    default -> next(frames);
                }
            }
        } catch (IOException | RuntimeException malformed) {
            if (malformed.getMessage() != null && malformed.getMessage().contains("nesting depth")) {
                anomalies.put(ProtocolRule.JSON_TOO_DEEP, "REQUEST_BODY");
                return;
            }
            // not JSON after all: drop the partial walk and inspect the text as it is
            targets.subList(before, targets.size()).clear();
            anomalies.put(ProtocolRule.BODY_UNPARSABLE, "REQUEST_BODY");
            add(targets, TargetKind.BODY, "", "REQUEST_BODY", new String(body, StandardCharsets.UTF_8));
        }
    }

    /** Where the JSON walk is inside one object or array; local to one walk. */
    private static final class Frame {
        final boolean array;
        int index;
        String field = "";

        Frame(boolean array) {
            this.array = array;
        }
    }

    private static void next(List<Frame> frames) {
        if (!frames.isEmpty() && frames.get(frames.size() - 1).array) {
            frames.get(frames.size() - 1).index++;
        }
    }

    private static String path(List<Frame> frames) {
        StringBuilder out = new StringBuilder();
        for (Frame frame : frames) {
            if (frame.array) {
                out.append('[').append(frame.index).append(']');
            } else {
                out.append(out.length() == 0 ? "" : ".").append(frame.field);
            }
        }
        return out.length() == 0 ? "$" : out.toString();
    }

    private static void multipart(
            byte[] body, String contentType, List<Target> targets, Map<ProtocolRule, String> anomalies) {
        MultipartParser.Parsed parsed = MultipartParser.parseWhole(body, contentType);
        if (parsed == null) {
            anomalies.put(ProtocolRule.MULTIPART_MALFORMED, "REQUEST_BODY");
            add(targets, TargetKind.BODY, "", "REQUEST_BODY", new String(body, StandardCharsets.UTF_8));
            return;
        }
        List<MultipartParser.Part> parts = parsed.parts();
        if (!parsed.outside().isBlank()) {
            // What this boundary leaves outside its parts is where another reader's boundary finds its own.
            add(
                    targets,
                    TargetKind.BODY,
                    "",
                    "REQUEST_BODY",
                    new String(parsed.outside().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
        for (MultipartParser.Part part : parts) {
            String name = part.name() == null ? "" : part.name();
            if (hasUnsafeNameCharacter(name) || (part.filename() != null && hasUnsafeNameCharacter(part.filename()))) {
                anomalies.putIfAbsent(ProtocolRule.MULTIPART_NAME, "MULTIPART_PART_HEADERS:" + name);
            }
            add(targets, TargetKind.ARGS_NAMES, name, "MULTIPART_NAMES:" + name, name);
            if (part.filename() != null) {
                add(targets, TargetKind.FILES, name, "FILES:" + name, part.filename());
            } else {
                add(targets, TargetKind.ARGS, name, "ARGS:" + name, part.value());
            }
        }
    }

    /**
     * A quote, {@code =} or backslash in a part's name, or a {@code ;} that does not end a named character
     * reference: a browser writes a name it cannot send as-is with HTML entities ({@code &acirc;},
     * {@code &amp;}), whose {@code ;} belongs to the entity and cannot end the name's parameter.
     */
    static boolean hasUnsafeNameCharacter(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '"' || c == '\'' || c == '=' || c == '\\' || c == ';' && !endsNamedEntity(name, i)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the {@code ;} at {@code semicolon} ends a named character reference: {@code &} and 2–31 letters or digits, the first a letter. */
    private static boolean endsNamedEntity(String name, int semicolon) {
        int i = semicolon - 1;
        while (i >= 0 && semicolon - i <= 32 && isAsciiLetterOrDigit(name.charAt(i))) {
            i--;
        }
        int length = semicolon - i - 1;
        return i >= 0 && name.charAt(i) == '&' && length >= 2 && length <= 31 && isAsciiLetter(name.charAt(i + 1));
    }

    private static boolean isAsciiLetter(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return isAsciiLetter(c) || c >= '0' && c <= '9';
    }

    private static Charset charset(String contentType) {
        if (contentType != null) {
            String lower = contentType.toLowerCase(Locale.ROOT);
            if (lower.contains("charset=iso-8859-1")
                    || lower.contains("charset=windows-1252")
                    || lower.contains("charset=latin1")) {
                return StandardCharsets.ISO_8859_1;
            }
        }
        return StandardCharsets.UTF_8;
    }

    /** A label safe for one log line: control characters escaped, at most {@value #MAX_LABEL} characters. */
    static String printable(String label) {
        StringBuilder out = new StringBuilder(Math.min(label.length(), MAX_LABEL + 3));
        for (int i = 0; i < label.length() && out.length() < MAX_LABEL; i++) {
            char c = label.charAt(i);
            out.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return label.length() > MAX_LABEL ? out.append("...").toString() : out.toString();
    }

    /** Adds a target, cut into overlapping windows when it is long. */
    static void add(List<Target> targets, TargetKind kind, String key, String rawLabel, String value) {
        String label = printable(rawLabel);
        if (value.length() <= WINDOW) {
            targets.add(new Target(kind, key, label, value));
            return;
        }
        int end = Math.min(value.length(), MAX_SCAN);
        for (int start = 0; start < end; start += WINDOW - OVERLAP) {
            targets.add(new Target(kind, key, label, value.substring(start, Math.min(end, start + WINDOW))));
            if (start + WINDOW >= end) {
                break;
            }
        }
    }
}
