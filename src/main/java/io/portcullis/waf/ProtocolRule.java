package io.portcullis.waf;

/**
 * The protocol checks that are code rather than patterns: header and body anomalies a servlet filter can
 * see, and checks that need an argument's name and value together. Each has a CRS-style id, a family, a
 * paranoia level and a score like a pattern rule.
 */
public enum ProtocolRule {
    BODY_ON_GET(920170, 1, Severity.CRITICAL, "GET or HEAD request with a body"),
    MULTIPART_NAME(
            920120, 1, Severity.CRITICAL, "multipart field or file name with quote, semicolon, equals or backslash"),
    MULTIPART_MALFORMED(920121, 1, Severity.CRITICAL, "multipart body that cannot be parsed"),
    NUL_BYTE(920270, 1, Severity.CRITICAL, "NUL byte in an argument, the path or a header"),
    EMPTY_ACCEPT(920311, 1, Severity.CRITICAL, "empty Accept header"),
    EMPTY_USER_AGENT(920330, 1, Severity.CRITICAL, "empty User-Agent header"),
    HOST_IS_ADDRESS(920350, 1, Severity.NOTICE, "Host header is a numeric IP address"),
    CONTENT_TYPE_MALFORMED(920470, 1, Severity.CRITICAL, "Content-Type header is not a well-formed media type"),
    CONTENT_TYPE_UNKNOWN_MULTIPART(920420, 1, Severity.CRITICAL, "unknown multipart subtype"),
    CONTENT_TYPE_NESTED(921421, 1, Severity.CRITICAL, "Content-Type parameter holds another media type"),
    RESTRICTED_EXTENSION(
            920440, 1, Severity.CRITICAL, "path ends in a restricted file extension (backup, dump, config, log)"),
    RESTRICTED_HEADER(
            920450,
            1,
            Severity.CRITICAL,
            "restricted request header (Proxy, Lock-Token, If, Content-Range, Request-Range, Content-Encoding)"),
    CHARSET_NOT_ALLOWED(920480, 1, Severity.CRITICAL, "request charset not allowed or given twice"),
    BACKUP_FILE(920500, 1, Severity.CRITICAL, "path names an editor backup file (trailing ~)"),
    ACCEPT_ENCODING_ANOMALY(920520, 1, Severity.CRITICAL, "Accept-Encoding header too long or malformed"),
    ACCEPT_CHARSET_NOT_ALLOWED(920600, 1, Severity.CRITICAL, "Accept header asks for a charset that is not allowed"),
    BODY_WITHOUT_CONTENT_TYPE(920640, 1, Severity.CRITICAL, "request body without a Content-Type"),
    JSON_TOO_DEEP(920199, 1, Severity.CRITICAL, "JSON body nested deeper than the WAF inspects"),
    BODY_UNPARSABLE(920198, 1, Severity.NOTICE, "JSON body that cannot be parsed (inspected as text)"),
    REMOTE_INCLUDE_PARAMETER(
            931110, "rfi", 1, Severity.CRITICAL, "URL in an argument whose name says it is a file, path or include");

    private final int id;
    private final String family;
    private final int paranoia;
    private final Severity severity;
    private final String message;

    ProtocolRule(int id, int paranoia, Severity severity, String message) {
        this(id, "protocol", paranoia, severity, message);
    }

    ProtocolRule(int id, String family, int paranoia, Severity severity, String message) {
        this.id = id;
        this.family = family;
        this.paranoia = paranoia;
        this.severity = severity;
        this.message = message;
    }

    public int id() {
        return id;
    }

    /** The family exclusions name it by: {@code protocol} unless it checks for an attack family. */
    public String family() {
        return family;
    }

    public int paranoia() {
        return paranoia;
    }

    public int score() {
        return severity.score();
    }

    public String message() {
        return message;
    }
}
