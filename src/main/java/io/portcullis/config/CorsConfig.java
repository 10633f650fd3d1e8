package io.portcullis.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A CORS policy ({@code gateway.cors}, the default, or a route's {@code cors}): which browser origins may call
 * the route, with which methods and request headers, which response headers their scripts may read, whether
 * with credentials, and how long a browser may cache a preflight answer. Origins are kept in their serialised
 * form (RFC 6454 §6.1): lower-case scheme and host, no default port, no path; besides exact origins a list may
 * hold {@code *} (any origin but {@code null}, never with credentials), the literal {@code null}, and patterns
 * {@code scheme://*.host[:port]} for any subdomain of a host. Immutable and thread-safe.
 *
 * @param origins the allowed origins, normalised by {@link #origin}
 * @param methods allowed methods, upper case
 * @param headers allowed request headers, lower case; {@code *} allows whatever a preflight asks for
 * @param exposeHeaders response headers scripts may read, as written
 * @param credentials whether cookies and {@code Authorization} may be sent ({@code Access-Control-Allow-Credentials})
 * @param maxAge how long a preflight answer may be cached ({@code Access-Control-Max-Age})
 * @see <a href="https://fetch.spec.whatwg.org/#http-cors-protocol">Fetch, the CORS protocol</a>
 */
public record CorsConfig(
        List<String> origins,
        List<String> methods,
        List<String> headers,
        List<String> exposeHeaders,
        boolean credentials,
        Duration maxAge) {
    public static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST");
    public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(30);
    /** Browsers cap the cache far below this (Chromium: 2 h); more is a mistake. */
    public static final Duration MAX_MAX_AGE = Duration.ofHours(24);

    public static final String ANY = "*";
    public static final String NULL_ORIGIN = "null";

    private static final Pattern SCHEME = Pattern.compile("[a-z][a-z0-9+.-]{0,31}");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern IPV6 = Pattern.compile("\\[[0-9a-f:.]{2,45}\\]");
    private static final Pattern PORT = Pattern.compile("[0-9]{1,5}");

    public CorsConfig {
        origins = List.copyOf(origins);
        methods = List.copyOf(methods);
        headers = List.copyOf(headers);
        exposeHeaders = List.copyOf(exposeHeaders);
    }

    /**
     * The serialised origin of {@code text} when it is one: {@code scheme://host[:port]}, nothing after the
     * authority (not even a {@code /}), no user info; the scheme and host lower-cased and the port dropped when
     * it is the scheme's default (80 for http, 443 for https). {@code null} stays {@code null}. With
     * {@code pattern} true, a host may start with {@code *.} (followed by at least two labels). Empty when the text
     * is not an origin.
     */
    public static Optional<String> origin(String text, boolean pattern) {
        if (text == null) {
            return Optional.empty();
        }
        if (text.equals(NULL_ORIGIN)) {
            return Optional.of(NULL_ORIGIN);
        }
        int separator = text.indexOf("://");
        if (separator <= 0) {
            return Optional.empty();
        }
        String scheme = text.substring(0, separator).toLowerCase(Locale.ROOT);
        String authority = text.substring(separator + 3).toLowerCase(Locale.ROOT);
        if (!SCHEME.matcher(scheme).matches() || authority.isEmpty()) {
            return Optional.empty();
        }
        String host = authority;
        String port = null;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0 && colon > authority.lastIndexOf(']')) {
            host = authority.substring(0, colon);
            port = authority.substring(colon + 1);
            if (!PORT.matcher(port).matches() || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                return Optional.empty();
            }
            port = Integer.toString(Integer.parseInt(port));
        }
        boolean wildcard = pattern && host.startsWith("*.");
        String name = wildcard ? host.substring(2) : host;
        if (!(IPV6.matcher(name).matches() && !wildcard) && !isHostName(name, wildcard)) {
            return Optional.empty();
        }
        if (port != null
                && (("http".equals(scheme) && port.equals("80")) || ("https".equals(scheme) && port.equals("443")))) {
            port = null;
        }
        return Optional.of(scheme + "://" + host + (port == null ? "" : ":" + port));
    }

    /** Dot-separated labels of letters, digits and inner hyphens; a wildcard's base needs two of them at least. */
    private static boolean isHostName(String host, boolean wildcardBase) {
        if (host.isEmpty() || host.length() > 253) {
            return false;
        }
        String[] labels = host.split("\\.", -1);
        if (wildcardBase && labels.length < 2) {
            return false;
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return false;
            }
        }
        return true;
    }
}
