package io.portcullis.waf;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A small, strict {@code multipart/form-data} reader for inspection only: it finds each part's
 * {@code name}, {@code filename} and value, decoded when the part names a {@code Content-Transfer-Encoding}
 * (see {@link #decode}). It works on the body as ISO-8859-1 text (one char per byte),
 * accepts CRLF or bare LF line ends, and runs in one linear pass. Stateless and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7578">RFC 7578</a>
 */
final class MultipartParser {
    /** More parts than this is treated as malformed: a form has a handful of fields. */
    static final int MAX_PARTS = 1000;

    private MultipartParser() {}

    /** One part of the body. {@code filename} is {@code null} for an ordinary field. */
    record Part(String name, String filename, String value) {}

    /** The parts, or {@code null} when the body is not well-formed multipart for its boundary. */
    static List<Part> parse(byte[] body, String contentType) {
        Parsed parsed = parseWhole(body, contentType);
        return parsed == null ? null : parsed.parts();
    }

    /**
     * A well-formed body: its parts, and the text outside them (the preamble before the first delimiter and the
     * epilogue after the last, joined by a line break), which readers skip (RFC 2046 §5.1.1). A reader that
     * takes another boundary from an ambiguous header ({@code boundary=A; boundary=B}) reads its parts there.
     */
    record Parsed(List<Part> parts, String outside) {}

    /** The parts and the text outside them, or {@code null} when the body is not well-formed for its boundary. */
    static Parsed parseWhole(byte[] body, String contentType) {
        String boundary = boundary(contentType);
        if (boundary == null) {
            return null;
        }
        String text = new String(body, StandardCharsets.ISO_8859_1);
        String delimiter = "--" + boundary;
        int at = text.indexOf(delimiter);
        if (at < 0) {
            return null;
        }
        int first = at;
        List<Part> parts = new ArrayList<>();
        while (true) {
            int afterDelimiter = at + delimiter.length();
            if (text.startsWith("--", afterDelimiter)) {
                return new Parsed(parts, text.substring(0, first) + "\n" + text.substring(afterDelimiter + 2));
            }
            int headersStart = lineEnd(text, afterDelimiter);
            if (headersStart < 0) {
                return null;
            }
            int next = text.indexOf("\n" + delimiter, headersStart);
            if (next < 0 || parts.size() >= MAX_PARTS) {
                return null;
            }
            int contentEnd = next > 0 && text.charAt(next - 1) == '\r' ? next - 1 : next;
            Part part = part(text, headersStart, contentEnd);
            if (part == null) {
                return null;
            }
            parts.add(part);
            at = next + 1;
        }
    }

    private static Part part(String text, int start, int end) {
        String name = null;
        String filename = null;
        String transferEncoding = null;
        int line = start;
        while (line < end) {
            int eol = text.indexOf('\n', line);
            if (eol < 0 || eol > end) {
                eol = end;
            }
            String header = text.substring(line, eol > line && text.charAt(eol - 1) == '\r' ? eol - 1 : eol);
            line = eol + 1;
            if (header.isEmpty()) {
                String value = line > end ? "" : decode(text.substring(line, end), transferEncoding);
                return new Part(utf8(name), utf8(filename), utf8(value));
            }
            int colon = header.indexOf(':');
            if (colon <= 0) {
                return null;
            }
            String headerName = header.substring(0, colon).strip();
            if (headerName.equalsIgnoreCase("Content-Disposition")) {
                name = parameter(header.substring(colon + 1), "name");
                filename = parameter(header.substring(colon + 1), "filename");
            } else if (headerName.equalsIgnoreCase("Content-Transfer-Encoding")) {
                transferEncoding = header.substring(colon + 1).strip().toLowerCase(Locale.ROOT);
            }
        }
        return null;
    }

    /** A parameter of a header value, quoted or not; {@code null} when absent. */
    static String parameter(String headerValue, String wanted) {
        int i = 0;
        int n = headerValue.length();
        while (i < n) {
            int semi = indexOfUnquoted(headerValue, ';', i);
            if (semi < 0) {
                return null;
            }
            int eq = headerValue.indexOf('=', semi);
            if (eq < 0) {
                return null;
            }
            String key = headerValue.substring(semi + 1, eq).strip().toLowerCase(Locale.ROOT);
            int valueStart = eq + 1;
            while (valueStart < n && headerValue.charAt(valueStart) == ' ') {
                valueStart++;
            }
            String value;
            int valueEnd;
            if (valueStart < n && headerValue.charAt(valueStart) == '"') {
                StringBuilder out = new StringBuilder();
                int j = valueStart + 1;
                while (j < n && headerValue.charAt(j) != '"') {
                    if (headerValue.charAt(j) == '\\' && j + 1 < n && headerValue.charAt(j + 1) == '"') {
                        j++;
                    }
                    out.append(headerValue.charAt(j));
                    j++;
                }
                value = out.toString();
                valueEnd = j + 1;
            } else {
                int end = headerValue.indexOf(';', valueStart);
                valueEnd = end < 0 ? n : end;
                value = headerValue.substring(valueStart, valueEnd).strip();
            }
            if (key.equals(wanted)) {
                return value;
            }
            i = valueEnd;
        }
        return null;
    }

    private static int indexOfUnquoted(String value, char wanted, int from) {
        boolean quoted = false;
        for (int i = from; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            } else if (c == wanted && !quoted) {
                return i;
            }
        }
        return -1;
    }

    private static String boundary(String contentType) {
        if (contentType == null) {
            return null;
        }
        String boundary = parameter(contentType, "boundary");
        return boundary == null || boundary.isEmpty() || boundary.length() > 200 ? null : boundary;
    }

    private static int lineEnd(String text, int from) {
        int eol = text.indexOf('\n', from);
        if (eol < 0) {
            return -1;
        }
        for (int i = from; i < eol; i++) {
            if (text.charAt(i) != '\r' && text.charAt(i) != ' ' && text.charAt(i) != '\t') {
                return -1;
            }
        }
        return eol + 1;
    }

    /**
     * A part's value as the application will read it: RFC 7578 deprecates {@code Content-Transfer-Encoding}, but
     * some multipart readers still decode {@code base64} and {@code quoted-printable} parts, so the WAF inspects
     * what they decode. Decoding is as lenient as the most lenient reader (characters outside the alphabet are
     * skipped, missing padding is supplied) and never fails.
     */
    static String decode(String latin1, String transferEncoding) {
        if (transferEncoding == null) {
            return latin1;
        }
        return switch (transferEncoding) {
            case "base64" -> base64(latin1);
            case "quoted-printable" -> quotedPrintable(latin1);
            default -> latin1;
        };
    }

    private static String base64(String latin1) {
        StringBuilder alphabet = new StringBuilder(latin1.length());
        for (int i = 0; i < latin1.length(); i++) {
            char c = latin1.charAt(i);
            if (c == '=') {
                break;
            }
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/') {
                alphabet.append(c);
            } else if (c == '-' || c == '_') {
                alphabet.append(c == '-' ? '+' : '/');
            }
        }
        if (alphabet.length() % 4 == 1) {
            alphabet.setLength(alphabet.length() - 1);
        }
        byte[] bytes = Base64.getDecoder().decode(alphabet.toString().getBytes(StandardCharsets.ISO_8859_1));
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static String quotedPrintable(String latin1) {
        StringBuilder out = new StringBuilder(latin1.length());
        for (int i = 0; i < latin1.length(); i++) {
            char c = latin1.charAt(i);
            if (c == '=' && i + 1 < latin1.length()) {
                if (latin1.startsWith("\r\n", i + 1)) {
                    i += 2;
                    continue;
                }
                if (latin1.charAt(i + 1) == '\n') {
                    i += 1;
                    continue;
                }
                if (i + 2 < latin1.length()) {
                    int high = Character.digit(latin1.charAt(i + 1), 16);
                    int low = Character.digit(latin1.charAt(i + 2), 16);
                    if (high >= 0 && low >= 0) {
                        out.append((char) (high * 16 + low));
                        i += 2;
                        continue;
                    }
                }
            }
            out.append(c);
        }
        return out.toString();
    }

    private static String utf8(String latin1) {
        return latin1 == null ? null : new String(latin1.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }
}
