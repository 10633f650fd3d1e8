package io.portcullis.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.config.GatewayConfig.ClientAddressHeader;
import io.portcullis.config.IpRange;
import io.portcullis.testsupport.Bounded;
import io.portcullis.testsupport.FakeRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * {@code X-Forwarded-For}, {@code Forwarded} (RFC 7239), {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}
 * as a client can spell them: whatever a client puts in front of the hops its trusted proxies append, the
 * client address is the right-most untrusted hop; from an untrusted peer the headers count for nothing; the
 * answer is always an IP literal, a known scheme and a bounded chain.
 */
class ClientAddressResolverPropertiesTest {
    private static final List<String> TRUSTED = List.of("127.0.0.1/32", "10.0.0.0/8", "fd00::/8");
    private static final Set<String> HEADERS =
            Set.of("X-Forwarded-For", "Forwarded", "X-Forwarded-Proto", "X-Forwarded-Host");

    private final ClientAddressResolver resolver = new ClientAddressResolver(
            TRUSTED.stream().map(text -> IpRange.parse(text).orElseThrow()).toList());
    private final ClientAddressResolver rfc7239Resolver = new ClientAddressResolver(
            TRUSTED.stream().map(text -> IpRange.parse(text).orElseThrow()).toList(), ClientAddressHeader.FORWARDED);

    @Property(tries = 300)
    void resolveWhenAnyHeadersThenAnswerIsWellFormed(
            @ForAll("peers") String peer, @ForAll("headerLines") List<List<String>> lines) {
        FakeRequest request = FakeRequest.of("GET", "/api").remoteAddr(peer).header("Host", "gw.example");
        lines.forEach(line -> request.header(line.get(0), line.get(1)));

        ClientAddress client = Bounded.call(() -> resolver.resolve(request));

        assertTrue(IpRange.literalAddress(client.address()).isPresent(), client::toString);
        assertTrue(client.proto().equals("http") || client.proto().equals("https"), client::toString);
        String[] chain = client.forwardedFor().split(", ");
        assertEquals(peer, chain[chain.length - 1], "the peer is always the last hop");
        assertTrue(chain.length <= 33, "at most 32 forwarded hops are read");
        for (String hop : chain) {
            assertTrue(IpRange.literalAddress(hop).isPresent(), hop);
        }
        if (!isTrusted(peer)) {
            assertEquals(
                    new ClientAddress(peer, peer, "http", "gw.example"),
                    client,
                    "an untrusted peer's headers count for nothing");
        }
    }

    @Property(tries = 300)
    void resolveWhenClientPrependsAnythingThenRightMostUntrustedHopIsTheClient(
            @ForAll("spoofs") List<String> spoofed,
            @ForAll("untrusted") String realClient,
            @ForAll("trustedHops") List<String> proxies,
            @ForAll boolean rfc7239,
            @ForAll boolean oneLine) {
        List<String> hops = new ArrayList<>(spoofed);
        hops.add(realClient);
        hops.addAll(proxies);
        FakeRequest request = FakeRequest.of("GET", "/api").remoteAddr("127.0.0.1");
        String name = rfc7239 ? "Forwarded" : "X-Forwarded-For";
        List<String> elements = rfc7239
                ? hops.stream()
                        .map(ClientAddressResolverPropertiesTest::forwardedElement)
                        .toList()
                : hops;
        // The spoofed part is the client's own header; the proxies append to it or add lines of their own.
        if (oneLine) {
            request.header(name, String.join(", ", elements));
        } else {
            request.header(name, String.join(", ", elements.subList(0, spoofed.size())));
            elements.subList(spoofed.size(), elements.size()).forEach(element -> request.header(name, element));
        }

        // The other header is the client's alone (a proxy manages one of them): it must change nothing.
        request.header(rfc7239 ? "X-Forwarded-For" : "Forwarded", rfc7239 ? "192.0.2.200" : "for=192.0.2.200");

        ClientAddress client = Bounded.call(() -> (rfc7239 ? rfc7239Resolver : resolver).resolve(request));

        assertEquals(realClient, client.address(), () -> name + ": " + elements);
    }

    private static String forwardedElement(String hop) {
        if (hop.contains(":") && IpRange.literalAddress(hop).isPresent()) {
            return "for=\"[" + hop + "]:4711\";proto=https";
        }
        return "for=" + hop + ";by=10.0.0.1";
    }

    private boolean isTrusted(String address) {
        return IpRange.literalAddress(address).isPresent()
                && TRUSTED.stream()
                        .anyMatch(range -> IpRange.parse(range).orElseThrow().contains(address));
    }

    @Provide
    Arbitrary<String> peers() {
        return Arbitraries.of("127.0.0.1", "10.1.2.3", "fd00::1", "203.0.113.5", "2001:db8::1", "::ffff:10.0.0.1");
    }

    @Provide
    Arbitrary<String> untrusted() {
        return Arbitraries.of("203.0.113.5", "198.51.100.77", "2001:db8::1", "192.0.2.1", "11.0.0.1", "fe00::9");
    }

    @Provide
    Arbitrary<List<String>> trustedHops() {
        return Arbitraries.of("10.0.0.7", "127.0.0.1", "fd00::2", "10.255.255.255")
                .list()
                .ofMaxSize(4);
    }

    /** What a client may write in front: trusted-looking addresses, garbage, ports, quotes, separators. */
    @Provide
    Arbitrary<List<String>> spoofs() {
        return hopText().list().ofMaxSize(40);
    }

    private static Arbitrary<String> hopText() {
        return Arbitraries.oneOf(
                Arbitraries.of(
                        "10.0.0.1",
                        "127.0.0.1",
                        "fd00::5",
                        "::ffff:127.0.0.1",
                        "unknown",
                        "_hidden",
                        "[::1]:80",
                        "\"[fd00::1]\"",
                        "1.2.3.4:5",
                        "999.1.1.1",
                        "for=10.0.0.1",
                        "%:",
                        ".:",
                        "::%",
                        "1::%1",
                        "::1%zz",
                        "\"",
                        "[",
                        "]",
                        ";",
                        "=",
                        "localhost",
                        "0x7f.1",
                        "1.2.3",
                        "١٢٣.1.1.1",
                        "ａ::1"),
                Arbitraries.strings().withChars("0123456789abcdef:.[]\"%; =,").ofMaxLength(24),
                Arbitraries.strings().ofMaxLength(24));
    }

    @Provide
    Arbitrary<List<List<String>>> headerLines() {
        Arbitrary<String> name = Arbitraries.of(HEADERS);
        Arbitrary<String> forwardedValue = Combinators.combine(
                        Arbitraries.of("for", "proto", "host", "by", "FOR", ""), hopText())
                .as((key, value) -> key + "=" + value)
                .list()
                .ofMaxSize(4)
                .map(pairs -> String.join(";", pairs));
        Arbitrary<String> value = Arbitraries.oneOf(
                hopText().list().ofMaxSize(50).map(hops -> String.join(", ", hops)),
                forwardedValue,
                Arbitraries.of("https", "HTTP", "javascript", "api.example", "a b", ""));
        return Combinators.combine(name, value).as(List::of).list().ofMaxSize(5);
    }
}
