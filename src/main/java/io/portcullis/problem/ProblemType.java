package io.portcullis.problem;

/**
 * The catalogue of errors the gateway makes itself, each with its HTTP status and title.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
public enum ProblemType {
    BAD_REQUEST("bad-request", 400, "Bad Request"),
    /** A request path that servlet containers would read in more than one way (see route.CanonicalPath). */
    AMBIGUOUS_PATH("ambiguous-path", 400, "Bad request path"),
    TOKEN_MISSING("token-missing", 401, "Authentication required"),
    INVALID_TOKEN("invalid-token", 401, "Invalid token"),
    INVALID_CREDENTIALS("invalid-credentials", 401, "Invalid credentials"),
    INSUFFICIENT_USER_AUTHENTICATION("insufficient-user-authentication", 401, "Insufficient user authentication"),
    API_KEY_REQUIRED("api-key-required", 401, "API key required"),
    INVALID_API_KEY("invalid-api-key", 401, "Invalid API key"),
    REQUEST_BLOCKED("request-blocked", 403, "Request blocked"),
    INSUFFICIENT_SCOPE("insufficient-scope", 403, "Insufficient scope"),
    FORBIDDEN("forbidden", 403, "Forbidden"),
    /** A browser's cross-origin request from an origin, or with a method or headers, the route's CORS policy refuses. */
    CORS_REFUSED("cors-refused", 403, "Cross-origin request refused"),
    NOT_FOUND("not-found", 404, "Not Found"),
    NO_ROUTE("no-route", 404, "No route"),
    METHOD_NOT_ALLOWED("method-not-allowed", 405, "Method Not Allowed"),
    REQUEST_TIMEOUT("request-timeout", 408, "Request Timeout"),
    CONFLICT("conflict", 409, "Conflict"),
    PAYLOAD_TOO_LARGE("payload-too-large", 413, "Payload Too Large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported-media-type", 415, "Unsupported Media Type"),
    TOO_MANY_REQUESTS("rate-limited", 429, "Too Many Requests"),
    HEADER_TOO_LARGE("header-too-large", 431, "Request Header Fields Too Large"),
    INTERNAL_ERROR("internal-error", 500, "Internal Server Error"),
    BAD_GATEWAY("bad-gateway", 502, "Bad Gateway"),
    SERVICE_UNAVAILABLE("service-unavailable", 503, "Service Unavailable"),
    GATEWAY_TIMEOUT("gateway-timeout", 504, "Gateway Timeout");

    private static final String TYPE_BASE = "urn:portcullis:problem:";

    private final String slug;
    private final int status;
    private final String title;

    ProblemType(String slug, int status, String title) {
        this.slug = slug;
        this.status = status;
        this.title = title;
    }

    public String slug() {
        return slug;
    }

    /** The problem's {@code type} member, a stable URN clients may switch on. */
    public String uri() {
        return TYPE_BASE + slug;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The generic type for a status the container produced (error dispatch), falling back to 500. */
    public static ProblemType forStatus(int status) {
        return switch (status) {
            case 400 -> BAD_REQUEST;
            case 401 -> TOKEN_MISSING;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 408 -> REQUEST_TIMEOUT;
            case 409 -> CONFLICT;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 429 -> TOO_MANY_REQUESTS;
            case 431 -> HEADER_TOO_LARGE;
            case 502 -> BAD_GATEWAY;
            case 503 -> SERVICE_UNAVAILABLE;
            case 504 -> GATEWAY_TIMEOUT;
            default -> INTERNAL_ERROR;
        };
    }
}
