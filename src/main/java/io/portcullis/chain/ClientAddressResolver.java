package io.portcullis.chain;

import io.portcullis.config.GatewayConfig.ClientAddressHeader;
import io.portcullis.config.IpRange;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Works out the client's address from the peer address and, only when the peer is a trusted proxy, from the
 * one header {@code gateway.client-address-header} names: {@code X-Forwarded-For} (the default) or
 * {@code Forwarded} (RFC 7239). The other header is ignored: proxies such as nginx, HAProxy and cloud load
 * balancers append to the one they manage and pass a client's own copy of the other through untouched, so
 * believing whichever is present would let a client choose its address. The client is the right-most hop that
 * is not a trusted proxy; from an untrusted peer the headers are ignored and replaced, never appended to. The
 * scheme and host the client used come from the same family ({@code X-Forwarded-Proto} and
 * {@code X-Forwarded-Host}, or the {@code proto} and {@code host} of the last {@code Forwarded} element), again
 * only from a trusted peer. Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7239">RFC 7239</a>
 */
public final class ClientAddressResolver {
    private static final int MAX_HOPS = 32;
    /** A host and optional port as a Host header holds them; anything else is not believed. */
    private static final String HOST = "[A-Za-z0-9.:\\[\\]-]{1,255}";

    private final List<IpRange> trustedProxies;
    private final ClientAddressHeader header;

    /** A resolver that reads {@code X-Forwarded-For} from trusted proxies. */
    public ClientAddressResolver(List<IpRange> trustedProxies) {
        this(trustedProxies, ClientAddressHeader.X_FORWARDED_FOR);
    }

    public ClientAddressResolver(List<IpRange> trustedProxies, ClientAddressHeader header) {
        this.trustedProxies = List.copyOf(trustedProxies);
        this.header = header;
    }

    public ClientAddress resolve(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        String scheme = request.getScheme();
        String host = request.getHeader("Host");
        if (!isTrusted(peer)) {
            return new ClientAddress(peer, peer, scheme, host);
        }
        boolean rfc7239 = header == ClientAddressHeader.FORWARDED;
        List<Hop> hops = rfc7239 ? forwardedHops(request) : xForwardedForHops(request);
        // Walk from the right: the peer is trusted, each hop added by a trusted proxy is believed.
        String client = peer;
        int believed = hops.size();
        for (int i = hops.size() - 1; i >= 0; i--) {
            Optional<String> address = hops.get(i).address();
            if (address.isEmpty()) {
                break;
            }
            client = address.get();
            believed = i;
            if (!isTrusted(client)) {
                break;
            }
        }
        List<String> chain = new ArrayList<>();
        for (int i = believed; i < hops.size(); i++) {
            hops.get(i).address().ifPresent(chain::add);
        }
        chain.add(peer);
        String proto;
        String forwardedHost;
        if (rfc7239) {
            Optional<Hop> last = hops.isEmpty() ? Optional.empty() : Optional.of(hops.get(hops.size() - 1));
            proto = last.flatMap(Hop::proto)
                    .filter(ClientAddressResolver::isWebScheme)
                    .orElse(scheme);
            forwardedHost = last.flatMap(Hop::host).orElse(host);
        } else {
            proto = lastValue(request, "X-Forwarded-Proto")
                    .map(p -> p.toLowerCase(Locale.ROOT))
                    .filter(ClientAddressResolver::isWebScheme)
                    .orElse(scheme);
            forwardedHost = lastValue(request, "X-Forwarded-Host")
                    .filter(ClientAddressResolver::isHost)
                    .orElse(host);
        }
        return new ClientAddress(client, String.join(", ", chain), proto, forwardedHost);
    }

    private boolean isTrusted(String address) {
        if (trustedProxies.isEmpty()) {
            return false;
        }
        Optional<byte[]> bytes = IpRange.literalAddress(address);
        if (bytes.isEmpty()) {
            return false;
        }
        for (IpRange range : trustedProxies) {
            if (range.contains(bytes.get())) {
                return true;
            }
        }
        return false;
    }

    private static List<Hop> forwardedHops(HttpServletRequest request) {
        List<Hop> hops = new ArrayList<>();
        for (String element : splitList(values(request, "Forwarded"))) {
            hops.add(Hop.parseForwarded(element));
        }
        return lastHops(hops);
    }

    private static List<Hop> xForwardedForHops(HttpServletRequest request) {
        List<Hop> hops = new ArrayList<>();
        for (String address : splitList(values(request, "X-Forwarded-For"))) {
            hops.add(new Hop(normalise(address), Optional.empty(), Optional.empty()));
        }
        return lastHops(hops);
    }

    private static List<Hop> lastHops(List<Hop> hops) {
        return hops.size() > MAX_HOPS ? hops.subList(hops.size() - MAX_HOPS, hops.size()) : hops;
    }

    private static boolean isWebScheme(String proto) {
        return proto.equals("http") || proto.equals("https");
    }

    private static boolean isHost(String host) {
        return host.matches(HOST);
    }

    /** The right-most value of a comma-separated header: the one the trusted peer itself wrote. */
    private static Optional<String> lastValue(HttpServletRequest request, String name) {
        List<String> all = splitList(values(request, name));
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    private static List<String> values(HttpServletRequest request, String name) {
        Enumeration<String> headers = request.getHeaders(name);
        return headers == null ? List.of() : Collections.list(headers);
    }

    private static List<String> splitList(List<String> headerValues) {
        List<String> items = new ArrayList<>();
        for (String value : headerValues) {
            for (String item : value.split(",")) {
                String trimmed = item.trim();
                if (!trimmed.isEmpty()) {
                    items.add(trimmed);
                }
            }
        }
        return items;
    }

    /** An address as a literal IP, without port or brackets; empty when it is not one ("unknown", obfuscated). */
    static Optional<String> normalise(String raw) {
        String value = raw.trim();
        if (value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2) {
            value = value.substring(1, value.length() - 1);
        }
        if (value.startsWith("[")) {
            int end = value.indexOf(']');
            value = end < 0 ? "" : value.substring(1, end);
        } else if (value.indexOf(':') == value.lastIndexOf(':') && value.indexOf(':') > 0) {
            value = value.substring(0, value.indexOf(':'));
        }
        String candidate = value;
        return IpRange.literalAddress(candidate).map(bytes -> candidate);
    }

    private record Hop(Optional<String> address, Optional<String> proto, Optional<String> host) {
        static Hop parseForwarded(String element) {
            Optional<String> address = Optional.empty();
            Optional<String> proto = Optional.empty();
            Optional<String> host = Optional.empty();
            for (String pair : element.split(";")) {
                int eq = pair.indexOf('=');
                if (eq < 0) {
                    continue;
                }
                String key = pair.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                String value = unquote(pair.substring(eq + 1).trim());
                switch (key) {
                    case "for" -> address = normalise(value);
                    case "proto" -> proto = Optional.of(value.toLowerCase(Locale.ROOT));
                    case "host" -> host = Optional.of(value).filter(ClientAddressResolver::isHost);
                    default -> {}
                }
            }
            return new Hop(address, proto, host);
        }

        private static String unquote(String value) {
            return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                    ? value.substring(1, value.length() - 1)
                    : value;
        }
    }
}
