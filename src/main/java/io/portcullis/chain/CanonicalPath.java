package io.portcullis.chain;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one path a request is routed on and forwarded as, decided from the request URI exactly as the client
 * sent it (never from the container's decoded servlet path, which Tomcat and Jetty compute differently).
 *
 * <p>The raw path is percent-decoded once, as UTF-8; repeated slashes merge; {@code .} and {@code ..} segments
 * are resolved (RFC 3986 §5.2.4). What no two servlet containers would read alike is refused instead
 * ({@link #parse} answers a {@link Refused}): an encoded {@code /} or {@code \}, a literal {@code \}, control
 * characters ({@code %00} included) and unencoded non-ASCII, malformed or overlong UTF-8, a {@code %} that is
 * left after decoding ({@code %252e}), an encoded {@code ;}, an encoded dot-segment ({@code %2e%2e}), path
 * parameters on a dot-segment or an empty one ({@code ..;}), and a {@code ..} above the root. Path parameters
 * (a literal {@code ;} in a segment) are kept apart from the segment's name: routes match on the names, and a
 * route that does not accept parameters refuses them (see {@link RouteStage}).
 *
 * <p>{@link #encoded()} is what goes upstream: every byte outside RFC 3986 unreserved characters and {@code /}
 * percent-encoded, so any container decodes it to exactly {@link #path()}. Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc3986#section-5.2.4">RFC 3986 §5.2.4, Remove Dot Segments</a>
 */
public final class CanonicalPath {
    private static final Segment TRAILING_SLASH = new Segment("", null);

    private final List<Segment> segments;
    private final int lowestDepth;
    private final String path;

    private CanonicalPath(List<Segment> segments, int lowestDepth) {
        this.segments = List.copyOf(segments);
        this.lowestDepth = lowestDepth;
        StringBuilder joined = new StringBuilder(64);
        for (Segment segment : segments) {
            joined.append('/').append(segment.name());
        }
        this.path = joined.isEmpty() ? "/" : joined.toString();
    }

    /** What {@link #parse} decided. */
    public sealed interface Decision permits Accepted, Refused {}

    /** The path has one reading. */
    public record Accepted(CanonicalPath path) implements Decision {}

    /** The path cannot be forwarded unambiguously; {@code reason} says why, without repeating the path. */
    public record Refused(String reason) implements Decision {}

    /**
     * One segment: its decoded name, and its path parameters (decoded text after the first literal {@code ;}),
     * null when it has none.
     */
    private record Segment(String name, String parameters) {}

    /**
     * @param rawPath the request URI inside the context, as sent (still percent-encoded); empty means {@code /}
     */
    public static Decision parse(String rawPath) {
        if (rawPath.isEmpty()) {
            rawPath = "/";
        }
        if (rawPath.charAt(0) != '/') {
            return new Refused("the path does not start with /");
        }
        String[] raw = rawPath.substring(1).split("/", -1);
        List<Segment> out = new ArrayList<>(raw.length);
        int lowestDepth = Integer.MAX_VALUE;
        for (int i = 0; i < raw.length; i++) {
            boolean last = i == raw.length - 1;
            int semicolon = raw[i].indexOf(';');
            String rawName = semicolon < 0 ? raw[i] : raw[i].substring(0, semicolon);
            Decoded name = decode(rawName);
            if (name.refused() != null) {
                return name.refused();
            }
            String parameters = null;
            if (semicolon >= 0) {
                Decoded decoded = decode(raw[i].substring(semicolon + 1));
                if (decoded.refused() != null) {
                    return decoded.refused();
                }
                parameters = decoded.text();
            }
            String segment = name.text();
            boolean dot = segment.equals(".") || segment.equals("..");
            if (dot && !rawName.equals(segment)) {
                return new Refused("a dot-segment is percent-encoded");
            }
            if ((dot || segment.isEmpty()) && parameters != null) {
                return new Refused("a dot-segment or an empty segment has path parameters");
            }
            if (segment.equals("..")) {
                if (out.isEmpty()) {
                    return new Refused("a .. segment climbs above the root");
                }
                out.remove(out.size() - 1);
                lowestDepth = Math.min(lowestDepth, out.size());
            }
            if (dot || (segment.isEmpty() && !last)) {
                if (last) {
                    out.add(TRAILING_SLASH);
                }
                continue;
            }
            out.add(new Segment(segment, parameters));
        }
        return new Accepted(new CanonicalPath(out, lowestDepth));
    }

    /** The decoded path routes match on: the segments' names, without path parameters. */
    public String path() {
        return path;
    }

    /** Whether any segment has path parameters ({@code /a;v=1/b}). */
    public boolean hasParameters() {
        for (Segment segment : segments) {
            if (segment.parameters() != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether a {@code ..} segment went above the first {@code depth} segments on the way to this path:
     * {@code /api/public/../admin} climbs above depth 2 (the route {@code /api/admin}) but not above depth 1.
     */
    public boolean climbsAbove(int depth) {
        return lowestDepth < depth;
    }

    /** The path as sent upstream, percent-encoded; see {@link #encodedAfter}. */
    public String encoded() {
        return encodedAfter(0);
    }

    /**
     * The path after its first {@code skip} segments (a stripped route prefix), percent-encoded for the
     * upstream: {@code ""} when nothing is left, else starting with {@code /}. Every byte of a name outside RFC
     * 3986 unreserved characters is percent-encoded; path parameters keep {@code ;}, {@code =} and {@code ,}.
     */
    public String encodedAfter(int skip) {
        StringBuilder out = new StringBuilder(64);
        for (int i = skip; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            out.append('/');
            encode(segment.name(), "", out);
            if (segment.parameters() != null) {
                out.append(';');
                encode(segment.parameters(), ";=,", out);
            }
        }
        return out.toString();
    }

    /** The number of segments of a route prefix: 0 for {@code /}, 2 for {@code /api/orders}. */
    public static int depth(String prefix) {
        int depth = 0;
        for (int i = 0; i < prefix.length(); i++) {
            if (prefix.charAt(i) == '/' && i + 1 < prefix.length()) {
                depth++;
            }
        }
        return depth;
    }

    @Override
    public String toString() {
        return encoded().isEmpty() ? "/" : encoded();
    }

    /** Percent-decoded text, or why it has none. */
    private record Decoded(String text, Refused refused) {
        static Decoded refuse(String reason) {
            return new Decoded(null, new Refused(reason));
        }
    }

    private static Decoded decode(String raw) {
        if (raw.indexOf('%') < 0 && isPlainAscii(raw)) {
            return new Decoded(raw, null);
        }
        byte[] bytes = new byte[raw.length()];
        int length = 0;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c != '%') {
                if (c <= 0x20 || c >= 0x7f) {
                    return Decoded.refuse(
                            "the path holds a control, space or non-ASCII character that is not percent-encoded");
                }
                if (c == '\\') {
                    return Decoded.refuse("the path holds a \\");
                }
                bytes[length++] = (byte) c;
                continue;
            }
            int high = i + 2 < raw.length() ? hex(raw.charAt(i + 1)) : -1;
            int low = high >= 0 ? hex(raw.charAt(i + 2)) : -1;
            if (low < 0) {
                return Decoded.refuse("a % is not followed by two hexadecimal digits");
            }
            int b = high << 4 | low;
            if (b == '/' || b == '\\') {
                return Decoded.refuse("the path holds an encoded / or \\ (%2F, %5C)");
            }
            if (b == '%') {
                return Decoded.refuse("the path is encoded twice (%25)");
            }
            if (b == ';') {
                return Decoded.refuse("the path holds an encoded ; (%3B)");
            }
            if (b < 0x20 || b == 0x7f) {
                return Decoded.refuse("the path holds an encoded control character");
            }
            bytes[length++] = (byte) b;
            i += 2;
        }
        String decoded;
        try {
            decoded = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            return Decoded.refuse("the path is not valid UTF-8 once decoded");
        }
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c >= 0x80 && c <= 0x9f) {
                return Decoded.refuse("the path holds an encoded control character");
            }
        }
        return new Decoded(decoded, null);
    }

    /** The value of an ASCII hexadecimal digit, -1 for anything else (Character.digit takes other scripts' digits). */
    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private static boolean isPlainAscii(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c <= 0x20 || c >= 0x7f || c == '\\') {
                return false;
            }
        }
        return true;
    }

    private static void encode(String decoded, String alsoKept, StringBuilder out) {
        for (byte b : decoded.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            boolean unreserved = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '.'
                    || c == '_'
                    || c == '~';
            if (unreserved || (c < 0x80 && alsoKept.indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%')
                        .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
    }
}
