package io.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpRangeTest {

    private static IpRange range(String text) {
        return IpRange.parse(text).orElseThrow(() -> new AssertionError("not parsed: " + text));
    }

    @Test
    void containsWhenIpv4CidrThenOnlyAddressesInside() {
        IpRange range = range("10.1.0.0/16");

        assertTrue(range.contains("10.1.0.0"));
        assertTrue(range.contains("10.1.255.255"));
        assertFalse(range.contains("10.2.0.1"));
        assertFalse(range.contains("9.255.255.255"));
    }

    @Test
    void containsWhenPrefixNotOnAByteBoundaryThenMaskedBitsCompared() {
        IpRange range = range("192.168.1.64/27");

        assertTrue(range.contains("192.168.1.64"));
        assertTrue(range.contains("192.168.1.95"));
        assertFalse(range.contains("192.168.1.96"));
        assertFalse(range.contains("192.168.1.63"));
    }

    @Test
    void containsWhenBareAddressThenSingleHost() {
        IpRange range = range("127.0.0.1");

        assertEquals(32, range.prefixLength());
        assertTrue(range.contains("127.0.0.1"));
        assertFalse(range.contains("127.0.0.2"));
    }

    @Test
    void containsWhenZeroPrefixThenEveryAddressOfThatFamily() {
        IpRange range = range("0.0.0.0/0");

        assertTrue(range.contains("203.0.113.7"));
        assertFalse(range.contains("2001:db8::1"));
    }

    @Test
    void containsWhenIpv6ThenCompressedAndFullFormsAgree() {
        IpRange range = range("2001:db8::/32");

        assertTrue(range.contains("2001:db8::1"));
        assertTrue(range.contains("2001:0db8:ffff:0000:0000:0000:0000:0001"));
        assertTrue(range.contains("[2001:db8::2]"));
        assertFalse(range.contains("2001:db9::1"));
        assertFalse(range.contains("10.0.0.1"));
        assertTrue(range("::1/128").contains("0:0:0:0:0:0:0:1"));
    }

    @Test
    void containsWhenIpv4MappedIpv6ThenMatchesIpv4Range() {
        assertTrue(range("10.0.0.0/8")
                .contains(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xFF, (byte) 0xFF, 10, 1, 2, 3}));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "localhost",
                "example.com",
                "256.0.0.1",
                "10.0.0",
                "10.0.0.0/33",
                "::1/129",
                "10.0.0.0/-1",
                "10.0.0.0/x",
                "1.2.3.4.5",
                "01234.1.1.1",
                "gggg::1"
            })
    void parseWhenNotAnAddressOrCidrThenEmpty(String text) {
        assertEquals(Optional.empty(), IpRange.parse(text));
    }

    @Test
    void literalAddressWhenHostNameThenNeverResolved() {
        assertEquals(Optional.empty(), IpRange.literalAddress("localhost"));
        assertEquals(Optional.empty(), IpRange.literalAddress(null));
        assertEquals(4, IpRange.literalAddress("127.0.0.1").orElseThrow().length);
        assertEquals(16, IpRange.literalAddress("::1").orElseThrow().length);
    }

    @Test
    void equalsWhenSameTextThenEqualAndPrintsAsWritten() {
        assertEquals(range("10.0.0.0/8"), range("10.0.0.0/8"));
        assertEquals(range("10.0.0.0/8").hashCode(), range("10.0.0.0/8").hashCode());
        assertEquals("10.0.0.0/8", range(" 10.0.0.0/8 ").toString());
    }
}
