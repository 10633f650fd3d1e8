package io.portcullis.chain;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.portcullis.config.GatewayConfig.ClientAddressHeader;
import io.portcullis.config.IpRange;
import io.portcullis.testsupport.FakeRequest;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClientAddressResolverTest {
    private final ClientAddressResolver resolver = new ClientAddressResolver(List.of(
            IpRange.parse("127.0.0.1/32").orElseThrow(),
            IpRange.parse("10.0.0.0/8").orElseThrow(),
            IpRange.parse("fd00::/8").orElseThrow()));

    private static FakeRequest from(String peer) {
        return FakeRequest.of("GET", "/api").remoteAddr(peer).header("Host", "gw.example:8443");
    }

    @Test
    void resolveWhenUntrustedPeerThenForwardedHeadersIgnoredAndReplaced() {
        ClientAddress client = resolver.resolve(from("203.0.113.5")
                .header("X-Forwarded-For", "198.51.100.1")
                .header("X-Forwarded-Proto", "https")
                .header("X-Forwarded-Host", "evil.example")
                .header("Forwarded", "for=192.0.2.1;proto=https"));

        assertEquals(new ClientAddress("203.0.113.5", "203.0.113.5", "http", "gw.example:8443"), client);
    }

    @Test
    void resolveWhenNoTrustedProxiesConfiguredThenPeerIsTheClient() {
        ClientAddress client = new ClientAddressResolver(List.of())
                .resolve(from("127.0.0.1").header("X-Forwarded-For", "198.51.100.1"));

        assertEquals("127.0.0.1", client.address());
        assertEquals("127.0.0.1", client.forwardedFor());
    }

    @Test
    void resolveWhenTrustedPeerWithoutHeadersThenPeerIsTheClient() {
        ClientAddress client = resolver.resolve(from("127.0.0.1"));

        assertEquals(new ClientAddress("127.0.0.1", "127.0.0.1", "http", "gw.example:8443"), client);
    }

    @Test
    void resolveWhenTrustedPeerThenRightMostUntrustedHopIsTheClient() {
        ClientAddress client =
                resolver.resolve(from("127.0.0.1").header("X-Forwarded-For", "198.51.100.66, 203.0.113.9, 10.0.0.7"));

        assertEquals("203.0.113.9", client.address());
        // Hops left of the client are its own claims: they are not passed on.
        assertEquals("203.0.113.9, 10.0.0.7, 127.0.0.1", client.forwardedFor());
    }

    @Test
    void resolveWhenSeveralHeaderLinesThenTheyFormOneList() {
        ClientAddress client = resolver.resolve(from("10.0.0.2")
                .header("X-Forwarded-For", "198.51.100.66")
                .header("X-Forwarded-For", "203.0.113.9, 10.0.0.7"));

        assertEquals("203.0.113.9", client.address());
    }

    @Test
    void resolveWhenEveryHopTrustedThenLeftMostIsTheClient() {
        ClientAddress client = resolver.resolve(from("127.0.0.1").header("X-Forwarded-For", "10.0.0.9, 10.0.0.8"));

        assertEquals("10.0.0.9", client.address());
        assertEquals("10.0.0.9, 10.0.0.8, 127.0.0.1", client.forwardedFor());
    }

    private final ClientAddressResolver rfc7239 = new ClientAddressResolver(
            List.of(
                    IpRange.parse("127.0.0.1/32").orElseThrow(),
                    IpRange.parse("10.0.0.0/8").orElseThrow()),
            ClientAddressHeader.FORWARDED);

    @Test
    void resolveWhenTrustedProxyAppendsXffAndPassesClientForwardedThenForwardedIgnored() {
        // nginx / HAProxy / cloud load balancers: they append to X-Forwarded-For and pass the client's own
        // Forwarded through. Before: Forwarded won, and each value the client chose was a fresh address.
        for (String forged : List.of("for=192.0.2.1", "for=192.0.2.2;proto=https;host=evil.example", "for=10.0.0.9")) {
            ClientAddress client = resolver.resolve(
                    from("127.0.0.1").header("Forwarded", forged).header("X-Forwarded-For", "198.51.100.7"));

            assertEquals(
                    new ClientAddress("198.51.100.7", "198.51.100.7, 127.0.0.1", "http", "gw.example:8443"),
                    client,
                    forged);
        }
    }

    @Test
    void resolveWhenForwardedConfiguredThenItIsReadAndXffIgnored() {
        ClientAddress client = rfc7239.resolve(from("127.0.0.1")
                .header(
                        "Forwarded",
                        "for=198.51.100.1;proto=https;host=api.example, for=\"[2001:db8::7]:4711\";proto=https;host=api.example")
                .header("X-Forwarded-For", "192.0.2.99")
                .header("X-Forwarded-Proto", "http")
                .header("X-Forwarded-Host", "evil.example"));

        assertEquals(new ClientAddress("2001:db8::7", "2001:db8::7, 127.0.0.1", "https", "api.example"), client);
    }

    @Test
    void resolveWhenForwardedConfiguredAndOnlyXffSentThenPeerIsTheClient() {
        ClientAddress client = rfc7239.resolve(
                from("127.0.0.1").header("X-Forwarded-For", "192.0.2.99").header("X-Forwarded-Host", "evil.example"));

        assertEquals(new ClientAddress("127.0.0.1", "127.0.0.1", "http", "gw.example:8443"), client);
    }

    @Test
    void resolveWhenForwardedCarriesProtoAndHostThenLastHopsAreUsed() {
        ClientAddress client =
                rfc7239.resolve(from("127.0.0.1").header("Forwarded", "for=198.51.100.1;proto=https;host=api.example"));

        assertEquals("https", client.proto());
        assertEquals("api.example", client.host());
    }

    @Test
    void resolveWhenXffConfiguredThenForwardedProtoAndHostIgnored() {
        ClientAddress client = resolver.resolve(
                from("127.0.0.1").header("Forwarded", "for=198.51.100.1;proto=https;host=evil.example"));

        assertEquals("http", client.proto());
        assertEquals("gw.example:8443", client.host());
    }

    @Test
    void resolveWhenXForwardedHostIsNotAHostThenTheRequestHostIsKept() {
        ClientAddress client = resolver.resolve(from("127.0.0.1").header("X-Forwarded-Host", "evil.example/path?x"));

        assertEquals("gw.example:8443", client.host());
    }

    @Test
    void resolveWhenXForwardedProtoAndHostFromTrustedPeerThenUsed() {
        ClientAddress client = resolver.resolve(from("127.0.0.1")
                .header("X-Forwarded-For", "198.51.100.1")
                .header("X-Forwarded-Proto", "HTTPS")
                .header("X-Forwarded-Host", "api.example"));

        assertEquals("https", client.proto());
        assertEquals("api.example", client.host());
    }

    @Test
    void resolveWhenForwardedProtoIsGarbageThenRequestSchemeKept() {
        ClientAddress client = resolver.resolve(
                from("127.0.0.1").header("X-Forwarded-For", "198.51.100.1").header("X-Forwarded-Proto", "javascript"));

        assertEquals("http", client.proto());
    }

    @Test
    void resolveWhenHopIsGarbageThenWalkStopsAtTheLastTrustedHop() {
        ClientAddress client =
                resolver.resolve(from("127.0.0.1").header("X-Forwarded-For", "198.51.100.1, unknown, 10.0.0.3"));

        assertEquals("10.0.0.3", client.address());
        assertEquals("10.0.0.3, 127.0.0.1", client.forwardedFor());
    }

    @Test
    void resolveWhenOnlyGarbageThenPeerIsTheClient() {
        ClientAddress client = resolver.resolve(from("127.0.0.1").header("X-Forwarded-For", "<script>, ;;;"));

        assertEquals("127.0.0.1", client.address());
        assertEquals("127.0.0.1", client.forwardedFor());
    }

    @Test
    void resolveWhenIpv6PeerTrustedThenIpv6HopsWork() {
        ClientAddress client = resolver.resolve(from("fd00::1").header("X-Forwarded-For", "2001:db8::5, fd00::2"));

        assertEquals("2001:db8::5", client.address());
        assertEquals("2001:db8::5, fd00::2, fd00::1", client.forwardedFor());
    }

    @Test
    void resolveWhenMoreThanMaxHopsThenOnlyTheRightMostAreRead() {
        StringBuilder hops = new StringBuilder("198.51.100.1");
        for (int i = 0; i < 40; i++) {
            hops.append(", 10.0.0.").append(i + 1);
        }
        ClientAddress client = resolver.resolve(from("127.0.0.1").header("X-Forwarded-For", hops.toString()));

        // 32 trusted hops are read; the untrusted client beyond them is out of reach.
        assertEquals("10.0.0.9", client.address());
    }

    @Test
    void normaliseWhenPortsBracketsOrQuotesThenBareAddress() {
        assertEquals(Optional.of("192.0.2.1"), ClientAddressResolver.normalise("192.0.2.1:8080"));
        assertEquals(Optional.of("2001:db8::1"), ClientAddressResolver.normalise("[2001:db8::1]:443"));
        assertEquals(Optional.of("2001:db8::1"), ClientAddressResolver.normalise("\"[2001:db8::1]\""));
        assertEquals(Optional.of("2001:db8::1"), ClientAddressResolver.normalise("2001:db8::1"));
        assertEquals(Optional.empty(), ClientAddressResolver.normalise("_hidden"));
        assertEquals(Optional.empty(), ClientAddressResolver.normalise("[2001:db8::1"));
        assertEquals(Optional.empty(), ClientAddressResolver.normalise("example.com"));
    }
}
