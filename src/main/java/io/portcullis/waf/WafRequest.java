package io.portcullis.waf;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the WAF sees of one request, independent of the servlet API (so the same inspection runs in the
 * filter, in tests and in benchmarks).
 *
 * @param method      the HTTP method
 * @param rawPath     the request path as sent, before any decoding
 * @param query       the raw query string, or {@code null}
 * @param headers     every header line, in order (a repeated header appears once per value)
 * @param body        the buffered body when its content type is inspected, else {@code null}
 * @param bodyLength  the body's length as declared or read; 0 when there is none, -1 when unknown
 */
public record WafRequest(
        String method,
        String rawPath,
        String query,
        List<Map.Entry<String, String>> headers,
        byte[] body,
        long bodyLength) {

    public WafRequest {
        headers = List.copyOf(headers);
    }

    /** The first value of a header, case-insensitive, or {@code null}. */
    public String header(String name) {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equalsIgnoreCase(name)) {
                return header.getValue();
            }
        }
        return null;
    }

    /** The media type of the body without parameters, lower case; empty when there is no Content-Type. */
    public String mediaType() {
        return mediaType(header("Content-Type"));
    }

    static String mediaType(String contentType) {
        if (contentType == null) {
            return "";
        }
        int semi = contentType.indexOf(';');
        return (semi < 0 ? contentType : contentType.substring(0, semi)).strip().toLowerCase(Locale.ROOT);
    }
}
