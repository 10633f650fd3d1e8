package io.portcullis.waf;

import io.portcullis.chain.BodyTooLargeException;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A request whose body streams on (it is not inspected, or its length is not known in advance) but is counted
 * as it is read: the read that takes it past the limit throws {@link BodyTooLargeException} instead of
 * returning the bytes, so whoever reads it, the proxy above all, never passes on a complete oversized body. One
 * instance per request; not shared between threads.
 */
final class LimitedBodyRequest extends HttpServletRequestWrapper {
    private final long limit;
    private CountingInputStream stream;
    private BufferedReader reader;

    LimitedBodyRequest(HttpServletRequest request, long limit) {
        super(request);
        this.limit = limit;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (reader != null) {
            throw new IllegalStateException("getReader() has already been called");
        }
        if (stream == null) {
            stream = new CountingInputStream(super.getInputStream(), limit);
        }
        return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (stream != null) {
            throw new IllegalStateException("getInputStream() has already been called");
        }
        if (reader == null) {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null
                    ? StandardCharsets.ISO_8859_1
                    : BufferedBodyRequest.charset(encoding)
                            .orElseThrow(() -> new UnsupportedEncodingException(encoding));
            reader = new BufferedReader(
                    new InputStreamReader(new CountingInputStream(super.getInputStream(), limit), charset));
        }
        return reader;
    }

    /** Passes reads through and counts them; throws once the count passes the limit, and on every read after. */
    static final class CountingInputStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long count;

        CountingInputStream(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            checkNotOver();
            int b = in.read();
            if (b >= 0) {
                counted(1);
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            checkNotOver();
            int n = in.read(buffer, offset, length);
            if (n > 0) {
                counted(n);
            }
            return n;
        }

        private void checkNotOver() throws BodyTooLargeException {
            if (count > limit) {
                throw new BodyTooLargeException(limit);
            }
        }

        private void counted(int n) throws BodyTooLargeException {
            count += n;
            // The bytes of this read are not handed out: the reader never holds more than the limit.
            checkNotOver();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }
    }
}
