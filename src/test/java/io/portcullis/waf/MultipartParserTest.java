package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartParserTest {
    private static List<MultipartParser.Part> parse(String body) {
        return MultipartParser.parse(body.getBytes(StandardCharsets.ISO_8859_1), "multipart/form-data; boundary=b");
    }

    private static String part(String headers, String value) {
        return "--b\r\nContent-Disposition: form-data; name=\"f\"\r\n" + headers + "\r\n" + value + "\r\n--b--\r\n";
    }

    @Test
    void parseWhenPartIsBase64ThenTheValueIsDecoded() {
        String encoded = Base64.getMimeEncoder()
                .encodeToString("1' UNION SELECT password FROM users--".getBytes(StandardCharsets.UTF_8));

        assertEquals(
                "1' UNION SELECT password FROM users--",
                parse(part("Content-Transfer-Encoding: base64\r\n", encoded))
                        .get(0)
                        .value());
    }

    @Test
    void parseWhenBase64IsSloppyThenDecodedAsLenientReadersDo() {
        // Line breaks, stray characters, missing padding, URL-safe alphabet: lenient decoders read all of these.
        String encoded = Base64.getEncoder()
                .withoutPadding()
                .encodeToString("<script>x</script>?>".getBytes(StandardCharsets.UTF_8));
        String sloppy = encoded.substring(0, 7) + "\r\n " + encoded.substring(7, 12) + "*" + encoded.substring(12);

        assertEquals(
                "<script>x</script>?>",
                parse(part("content-transfer-encoding:  Base64 \r\n", sloppy))
                        .get(0)
                        .value());
        assertEquals("\u00fb\u00ff", MultipartParser.decode("-_8", "base64"));
    }

    @Test
    void parseWhenPartIsQuotedPrintableThenTheValueIsDecoded() {
        assertEquals(
                "<script>alert(1)</script>",
                parse(part("Content-Transfer-Encoding: quoted-printable\r\n", "=3Cscript=3Ealert(1)=\r\n=3C/script=3E"))
                        .get(0)
                        .value());
    }

    @Test
    void parseWhenNoTransferEncodingThenTheValueIsAsSent() {
        assertEquals("PHNjcmlwdD4=", parse(part("", "PHNjcmlwdD4=")).get(0).value());
        assertEquals(
                "=3C",
                parse(part("Content-Transfer-Encoding: 8bit\r\n", "=3C")).get(0).value());
    }
}
