package io.portcullis.waf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.doReturn;

import io.portcullis.testsupport.FakeRequest;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BufferedBodyRequestTest {
    private static final byte[] BODY = "héllo=world".getBytes(StandardCharsets.UTF_8);

    private static BufferedBodyRequest request() {
        return new BufferedBodyRequest(
                FakeServletRequests.request(
                        "POST", "/x", List.of(Map.entry("Content-Type", "text/plain")), new byte[0]),
                BODY);
    }

    @Test
    void getParameterWhenFormBodyThenServedFromTheBufferedBytesAfterQueryParameters() throws Exception {
        byte[] form =
                "token=a%2Bb%3D&token_type_hint=refresh_token&q=from-body&broken=%zz".getBytes(StandardCharsets.UTF_8);
        BufferedBodyRequest request = new BufferedBodyRequest(
                FakeServletRequests.request(
                        "POST",
                        "/x?q=1",
                        List.of(Map.entry("Content-Type", "application/x-www-form-urlencoded")),
                        new byte[0]),
                form);

        assertEquals("a+b=", request.getParameter("token"));
        assertEquals("refresh_token", request.getParameter("token_type_hint"));
        assertArrayEquals(new String[] {"from-query", "from-body"}, request.getParameterValues("q"));
        assertEquals(null, request.getParameter("broken"));
        assertArrayEquals(form, request.getInputStream().readAllBytes(), "the body still replays intact");
    }

    @Test
    void getParameterWhenNotAFormThenBodyIsNotParsed() {
        assertEquals(null, request().getParameter("héllo"));
    }

    @Test
    void getInputStreamWhenReadThenReplaysTheBytesAndReportsTheirLength() throws Exception {
        BufferedBodyRequest request = request();
        ServletInputStream in = request.getInputStream();
        assertEquals(BODY.length, request.getContentLengthLong());
        assertTrue(in.isReady());
        assertFalse(in.isFinished());
        assertArrayEquals(BODY, in.readAllBytes());
        assertTrue(in.isFinished());
        assertEquals(-1, in.read());
    }

    @Test
    void setReadListenerWhenDataIsBufferedThenSignalsAvailableThenAllRead() throws Exception {
        ServletInputStream in = request().getInputStream();
        List<String> events = new ArrayList<>();
        in.setReadListener(new ReadListener() {
            @Override
            public void onDataAvailable() throws java.io.IOException {
                events.add("available");
                in.readAllBytes();
            }

            @Override
            public void onAllDataRead() {
                events.add("all-read");
            }

            @Override
            public void onError(Throwable t) {
                events.add("error");
            }
        });
        assertEquals(List.of("available", "all-read"), events);
    }

    @Test
    void getReaderWhenStreamWasTakenThenRefuses() throws Exception {
        BufferedBodyRequest request = request();
        request.getInputStream();
        assertThrows(IllegalStateException.class, request::getReader);
    }

    @Test
    void getReaderWhenUsedAloneThenReadsTheText() throws Exception {
        BufferedBodyRequest request = request();
        assertEquals(
                "héllo=world",
                new String(
                        request.getReader().readLine().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
    }

    @Test
    void getParameterWhenFormNamesAnUnknownCharsetThenDecodedAsUtf8() {
        BufferedBodyRequest request = new BufferedBodyRequest(
                formWithCharset("bogus"), "name=h%C3%A9llo".getBytes(StandardCharsets.US_ASCII));

        assertEquals("héllo", request.getParameter("name"));
    }

    @Test
    void getParameterWhenFormNamesAnIllegalCharsetNameThenDecodedAsUtf8() {
        BufferedBodyRequest request =
                new BufferedBodyRequest(formWithCharset("\"x y\""), "name=v".getBytes(StandardCharsets.US_ASCII));

        assertEquals("v", request.getParameter("name"));
    }

    @Test
    void getReaderWhenCharsetUnknownThenUnsupportedEncodingAsTheServletSpecSays() {
        BufferedBodyRequest request = new BufferedBodyRequest(formWithCharset("bogus"), BODY);

        assertThrows(UnsupportedEncodingException.class, request::getReader);
    }

    private static FakeRequest formWithCharset(String charset) {
        FakeRequest request = FakeRequest.of("POST", "/x")
                .header("Content-Type", "application/x-www-form-urlencoded; charset=" + charset);
        doReturn("application/x-www-form-urlencoded; charset=" + charset)
                .when(request)
                .getContentType();
        doReturn(charset).when(request).getCharacterEncoding();
        doReturn(Map.of()).when(request).getParameterMap();
        return request;
    }
}
