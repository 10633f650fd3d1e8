package io.portcullis.chain;

import io.portcullis.config.IpRange;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Works out the client's address from the peer address and, only when the peer is a trusted proxy,
 * from {@code Forwarded} (RFC 7239) or {@code X-Forwarded-For}. The client is the right-most hop that is
 * not a trusted proxy; from an untrusted peer the headers are ignored and replaced, never appended to.
 * Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7239">RFC 7239</a>
 */
public final class ClientAddressResolver {
    private static final int MAX_HOPS = 32;

    private final List<IpRange> trustedProxies;

    public ClientAddressResolver(List<IpRange> trustedProxies) {
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    public ClientAddress resolve(HttpServletRequest request) {
        String peer = request.getRemoteAddr();
        String scheme = request.getScheme();
        String host = request.getHeader("Host");
        if (!isTrusted(peer)) {
            return new ClientAddress(peer, peer, scheme, host);
        }
        List<Hop> hops = forwardedHops(request);
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
        String proto = scheme;
        String forwardedHost = host;
        if (!hops.isEmpty()) {
            Hop last = hops.get(hops.size() - 1);
            proto = last.proto().filter(p -> p.equals("http") || p.equals("https")).orElse(forwardedProto(request, scheme));
            forwardedHost = last.host().orElse(firstValue(request, "X-Forwarded-Host").orElse(host));
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
        List<String> forwarded = values(request, "Forwarded");
        List<Hop> hops = new ArrayList<>();
        if (!forwarded.isEmpty()) {
            for (String element : splitList(forwarded)) {
                hops.add(Hop.parseForwarded(element));
            }
        } else {
            for (String address : splitList(values(request, "X-Forwarded-For"))) {
                hops.add(new Hop(normalise(address), Optional.empty(), Optional.empty()));
            }
        }
        return hops.size() > MAX_HOPS ? hops.subList(hops.size() - MAX_HOPS, hops.size()) : hops;
    }

    private static String forwardedProto(HttpServletRequest request, String fallback) {
        return firstValue(request, "X-Forwarded-Proto").map(p -> p.toLowerCase(Locale.ROOT))
                .filter(p -> p.equals("http") || p.equals("https")).orElse(fallback);
    }

    private static Optional<String> firstValue(HttpServletRequest request, String name) {
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
                    case "host" -> host = Optional.of(value).filter(h -> h.matches("[A-Za-z0-9.:\\[\\]-]{1,255}"));
                    default -> { }
                }
            }
            return new Hop(address, proto, host);
        }

        private static String unquote(String value) {
            return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                    ? value.substring(1, value.length() - 1) : value;
        }
    }
}
