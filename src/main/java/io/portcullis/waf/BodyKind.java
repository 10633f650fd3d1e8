package io.portcullis.waf;

/**
 * How the WAF treats a request body, decided by its media type. Only text-like bodies are buffered and
 * inspected; anything else that a route allows (uploads, images, {@code application/octet-stream}) streams to
 * the upstream uninspected, counted against the body limit as it is read.
 */
public enum BodyKind {
    /** {@code application/x-www-form-urlencoded}: fields become ARGS. */
    FORM,
    /** {@code application/json} and {@code +json}: keys and string values at any depth. */
    JSON,
    /** {@code multipart/*}: field values become ARGS, file names FILES. */
    MULTIPART,
    /** XML, {@code text/*}, or no Content-Type at all: inspected as raw text (BODY). */
    TEXT,
    /** Any other media type: not buffered, not inspected (only passed when allowed, and always size-limited). */
    OPAQUE;

    /** The kind for a request's media type (lower case, without parameters; empty when absent). */
    public static BodyKind of(String mediaType) {
        if (mediaType.isEmpty()) {
            return TEXT;
        }
        if (mediaType.equals("application/x-www-form-urlencoded")) {
            return FORM;
        }
        if (mediaType.equals("application/json") || mediaType.endsWith("+json") || mediaType.equals("text/json")) {
            return JSON;
        }
        if (mediaType.startsWith("multipart/")) {
            return MULTIPART;
        }
        if (mediaType.startsWith("text/")
                || mediaType.endsWith("/xml")
                || mediaType.endsWith("+xml")
                || mediaType.equals("application/javascript")
                || mediaType.equals("application/graphql")) {
            return TEXT;
        }
        if (mediaType.indexOf('/') < 0 || mediaType.endsWith("/")) {
            // not a media type at all: inspect it rather than let a malformed header switch the WAF off
            return TEXT;
        }
        return OPAQUE;
    }

    public boolean inspected() {
        return this != OPAQUE;
    }
}
