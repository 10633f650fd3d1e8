package io.portcullis.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * An IPv4 or IPv6 CIDR block such as {@code 10.0.0.0/8} or {@code ::1/128}. Immutable and thread-safe.
 */
public record IpRange(byte[] network, int prefixLength, String text) {

    /** Parses {@code text}; a bare address means a single host. Never resolves host names. */
    public static Optional<IpRange> parse(String text) {
        String trimmed = text.trim();
        int slash = trimmed.indexOf('/');
        String address = slash < 0 ? trimmed : trimmed.substring(0, slash);
        Optional<byte[]> bytes = literalAddress(address);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        int max = bytes.get().length * 8;
        int prefix = max;
        if (slash >= 0) {
            try {
                prefix = Integer.parseInt(trimmed.substring(slash + 1));
            } catch (NumberFormatException e) {
                return Optional.empty();
            }
            if (prefix < 0 || prefix > max) {
                return Optional.empty();
            }
        }
        return Optional.of(new IpRange(bytes.get(), prefix, trimmed));
    }

    /** True when {@code address} (a literal IP, as from {@code getRemoteAddr()}) lies in this range. */
    public boolean contains(String address) {
        return literalAddress(address).map(this::contains).orElse(false);
    }

    public boolean contains(byte[] candidate) {
        byte[] probe = candidate;
        if (probe.length == 16 && network.length == 4 && isMappedIpv4(probe)) {
            probe = Arrays.copyOfRange(probe, 12, 16);
        }
        if (probe.length != network.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (probe[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (probe[full] & mask) == (network[full] & mask);
    }

    /** The bytes of an IP literal, or empty when {@code text} is not one (host names are refused). */
    public static Optional<byte[]> literalAddress(String text) {
        if (text == null || text.isEmpty()) {
            return Optional.empty();
        }
        String candidate = text;
        if (candidate.startsWith("[") && candidate.endsWith("]")) {
            candidate = candidate.substring(1, candidate.length() - 1);
        }
        boolean ipv4 = candidate.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'))
                && candidate.chars().filter(c -> c == '.').count() == 3;
        // The JDK takes text for a literal only when it starts with a hex digit or ':'; anything else
        // ("%:", ".:") it hands to the system resolver, which must never see client input.
        boolean ipv6 = candidate.indexOf(':') >= 0
                && (candidate.charAt(0) == ':' || isAsciiHex(candidate.charAt(0)))
                && candidate.chars().allMatch(c -> c == ':' || c == '.' || c == '%' || isAsciiHex(c));
        if (!ipv4 && !ipv6) {
            return Optional.empty();
        }
        if (ipv4) {
            for (String part : candidate.split("\\.", -1)) {
                if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
                    return Optional.empty();
                }
            }
        }
        try {
            // Only literals reach this point, so no name lookup can happen.
            return Optional.of(InetAddress.getByName(candidate).getAddress());
        } catch (UnknownHostException | SecurityException e) {
            return Optional.empty();
        }
    }

    private static boolean isAsciiHex(int c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static boolean isMappedIpv4(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xFF && address[11] == (byte) 0xFF;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IpRange range && range.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }
}
