package io.portcullis.waf;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@link ProtocolRule} checks on the request line and headers: body on GET, empty or odd headers,
 * malformed or unusual Content-Type, charsets, restricted headers and file extensions. Stateless and
 * thread-safe.
 */
final class ProtocolChecks {
    /** Charsets a request body may declare, as in the OWASP CRS default policy (plus US-ASCII). */
    static final Set<String> ALLOWED_CHARSETS =
            Set.of("utf-8", "iso-8859-1", "iso-8859-15", "windows-1252", "us-ascii");
    /** Path extensions of files an API has no business serving: backups, dumps, configuration, logs. */
    static final Set<String> RESTRICTED_EXTENSIONS = Set.of(
            "asa",
            "asax",
            "backup",
            "bak",
            "bat",
            "cdx",
            "cer",
            "cfg",
            "cmd",
            "conf",
            "config",
            "cs",
            "csproj",
            "csr",
            "dat",
            "db",
            "dbf",
            "dll",
            "dos",
            "htr",
            "htw",
            "ida",
            "idc",
            "idq",
            "inc",
            "ini",
            "key",
            "licx",
            "lnk",
            "log",
            "mdb",
            "old",
            "orig",
            "pass",
            "pdb",
            "pol",
            "printer",
            "pwd",
            "rdb",
            "resources",
            "resx",
            "sql",
            "swp",
            "sys",
            "vb",
            "vbs",
            "vbproj",
            "vsdisco",
            "webinfo",
            "xsd",
            "xsx",
            "sqlite",
            "sqlite3",
            "tmp",
            "dump",
            "kdbx",
            "pem",
            "ppk",
            "env",
            "history");
    /** Request headers with no place in an API call: proxy, WebDAV locking, ranged or encoded request bodies. */
    static final Set<String> RESTRICTED_HEADERS =
            Set.of("proxy", "lock-token", "if", "content-range", "request-range", "translate", "x-proxy-url");

    private static final Set<String> MULTIPART_SUBTYPES = Set.of(
            "form-data",
            "mixed",
            "related",
            "alternative",
            "byteranges",
            "signed",
            "encrypted",
            "x-mixed-replace",
            "digest",
            "parallel",
            "report");

    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
    private static final String QUOTED = "\"(?:[^\"\\\\]|\\\\.)*\"";
    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "^" + TOKEN + "/" + TOKEN + "(?:[ \\t]*;[ \\t]*" + TOKEN + "=(?:" + TOKEN + "|" + QUOTED
                    + "))*[ \\t]*;?[ \\t]*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern CHARSET =
            Pattern.compile("charset\\s*=\\s*\"?([^\";,\\s]*)", Pattern.CASE_INSENSITIVE);
    private static final Pattern NESTED_MEDIA_TYPE = Pattern.compile(
            ";\\s*[a-z-]+\\s*=\\s*\"?\\s*(?:application|text|multipart|image|audio|video)/[a-z0-9.+-]+",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ACCEPT_ENCODING = Pattern.compile("^[a-z0-9*,;=. \\t-]*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern IPV4_HOST = Pattern.compile("^\\d{1,3}(?:\\.\\d{1,3}){3}(?::\\d+)?$");
    private static final int MAX_ACCEPT_ENCODING = 100;

    private ProtocolChecks() {}

    /**
     * User agents known to send an empty {@code Accept} header: WebKit and Android HTTP stacks and the
     * Business/Enterprise editions of some native clients — the same exceptions the CRS rule 920310 makes.
     */
    private static final List<String> EMPTY_ACCEPT_AGENTS =
            List.of("applewebkit", "android", "business", "enterprise", "entreprise");

    static boolean sendsEmptyAccept(String userAgent) {
        if (userAgent == null) {
            return false;
        }
        String agent = userAgent.toLowerCase(Locale.ROOT);
        for (String known : EMPTY_ACCEPT_AGENTS) {
            if (agent.contains(known)) {
                return true;
            }
        }
        return false;
    }

    static void check(WafRequest request, Map<ProtocolRule, String> anomalies) {
        boolean hasBody = request.bodyLength() > 0 || (request.body() != null && request.body().length > 0);
        String method = request.method().toUpperCase(Locale.ROOT);
        if (hasBody && (method.equals("GET") || method.equals("HEAD"))) {
            anomalies.put(ProtocolRule.BODY_ON_GET, "REQUEST_METHOD");
        }
        String contentType = request.header("Content-Type");
        if (hasBody && contentType == null) {
            anomalies.put(ProtocolRule.BODY_WITHOUT_CONTENT_TYPE, "REQUEST_HEADERS:Content-Type");
        }
        if (contentType != null) {
            contentType(contentType, anomalies);
        }
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey().toLowerCase(Locale.ROOT);
            String value = header.getValue();
            switch (name) {
                case "accept" -> {
                    if (value.isBlank() && !sendsEmptyAccept(request.header("User-Agent"))) {
                        anomalies.put(ProtocolRule.EMPTY_ACCEPT, "REQUEST_HEADERS:Accept");
                    }
                    Matcher charset = CHARSET.matcher(value);
                    while (charset.find()) {
                        if (!ALLOWED_CHARSETS.contains(charset.group(1).toLowerCase(Locale.ROOT))) {
                            anomalies.put(ProtocolRule.ACCEPT_CHARSET_NOT_ALLOWED, "REQUEST_HEADERS:Accept");
                        }
                    }
                }
                case "user-agent" -> {
                    if (value.isBlank()) {
                        anomalies.put(ProtocolRule.EMPTY_USER_AGENT, "REQUEST_HEADERS:User-Agent");
                    }
                }
                case "host" -> {
                    if (IPV4_HOST.matcher(value.strip()).find() || value.strip().startsWith("[")) {
                        anomalies.put(ProtocolRule.HOST_IS_ADDRESS, "REQUEST_HEADERS:Host");
                    }
                }
                case "accept-encoding" -> {
                    if (value.length() > MAX_ACCEPT_ENCODING
                            || !ACCEPT_ENCODING.matcher(value).find()) {
                        anomalies.put(ProtocolRule.ACCEPT_ENCODING_ANOMALY, "REQUEST_HEADERS:Accept-Encoding");
                    }
                }
                case "content-encoding" -> {
                    if (!value.strip().equalsIgnoreCase("identity")) {
                        // the WAF cannot inspect a compressed body, so it does not let one through
                        anomalies.put(ProtocolRule.RESTRICTED_HEADER, "REQUEST_HEADERS:Content-Encoding");
                    }
                }
                default -> {
                    if (RESTRICTED_HEADERS.contains(name)) {
                        anomalies.put(ProtocolRule.RESTRICTED_HEADER, "REQUEST_HEADERS:" + header.getKey());
                    }
                }
            }
        }
        path(request.rawPath(), anomalies);
    }

    private static void contentType(String contentType, Map<ProtocolRule, String> anomalies) {
        String label = "REQUEST_HEADERS:Content-Type";
        if (!MEDIA_TYPE.matcher(contentType.strip()).find()) {
            anomalies.put(ProtocolRule.CONTENT_TYPE_MALFORMED, label);
            return;
        }
        String media = WafRequest.mediaType(contentType);
        if (media.startsWith("multipart/") && !MULTIPART_SUBTYPES.contains(media.substring("multipart/".length()))) {
            anomalies.put(ProtocolRule.CONTENT_TYPE_UNKNOWN_MULTIPART, label);
        }
        if (NESTED_MEDIA_TYPE.matcher(contentType).find()) {
            anomalies.put(ProtocolRule.CONTENT_TYPE_NESTED, label);
        }
        Matcher charset = CHARSET.matcher(contentType);
        int count = 0;
        while (charset.find()) {
            count++;
            if (count > 1 || !ALLOWED_CHARSETS.contains(charset.group(1).toLowerCase(Locale.ROOT))) {
                anomalies.put(ProtocolRule.CHARSET_NOT_ALLOWED, label);
            }
        }
    }

    private static void path(String rawPath, Map<ProtocolRule, String> anomalies) {
        String path = Normalizer.text(rawPath);
        int slash = path.lastIndexOf('/');
        String last = path.substring(slash + 1);
        int semi = last.indexOf(';');
        if (semi >= 0) {
            last = last.substring(0, semi);
        }
        if (last.endsWith("~")) {
            anomalies.put(ProtocolRule.BACKUP_FILE, "REQUEST_FILENAME");
        }
        int dot = last.lastIndexOf('.');
        if (dot >= 0 && RESTRICTED_EXTENSIONS.contains(last.substring(dot + 1).strip())) {
            anomalies.put(ProtocolRule.RESTRICTED_EXTENSION, "REQUEST_FILENAME");
        }
        for (int i = 0; i < path.length(); i++) {
            if (path.charAt(i) == '~'
                    && (i + 1 == path.length() || path.charAt(i + 1) == '/')
                    && i > 0
                    && path.charAt(i - 1) != '/') {
                anomalies.put(ProtocolRule.BACKUP_FILE, "REQUEST_FILENAME");
            }
        }
    }
}
