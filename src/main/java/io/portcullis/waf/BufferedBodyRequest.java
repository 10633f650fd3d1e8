package io.portcullis.waf;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.net.URLDecoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A request whose body the WAF has already read: {@link #getInputStream()} replays the same bytes, so the
 * stages after the WAF and the proxy still send the upstream the body exactly as it came, with its
 * Content-Length. Form parameters are served from the same bytes: the container can no longer parse a body
 * the WAF has read. One instance per request; not shared between threads.
 */
final class BufferedBodyRequest extends HttpServletRequestWrapper {
    private final byte[] body;
    private ServletInputStream stream;
    private BufferedReader reader;
    private Map<String, String[]> parameters;

    BufferedBodyRequest(HttpServletRequest request, byte[] body) {
        super(request);
        this.body = body;
    }

    @Override
    public ServletInputStream getInputStream() {
        if (reader != null) {
            throw new IllegalStateException("getReader() has already been called");
        }
        if (stream == null) {
            stream = new ReplayInputStream(body);
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
                    : charset(encoding).orElseThrow(() -> new UnsupportedEncodingException(encoding));
            reader = new BufferedReader(new InputStreamReader(new ReplayInputStream(body), charset));
        }
        return reader;
    }

    @Override
    public Map<String, String[]> getParameterMap() {
        if (parameters == null) {
            parameters = Collections.unmodifiableMap(mergedParameters());
        }
        return parameters;
    }

    @Override
    public String getParameter(String name) {
        String[] values = getParameterMap().get(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    @Override
    public String[] getParameterValues(String name) {
        String[] values = getParameterMap().get(name);
        return values == null ? null : values.clone();
    }

    @Override
    public Enumeration<String> getParameterNames() {
        return Collections.enumeration(getParameterMap().keySet());
    }

    /** The charset a client named, if this JVM knows it; any name a client sends is only a hint. */
    /** The charset a request names, empty when the JVM does not know it or the name is not legal. */
    static Optional<Charset> charset(String name) {
        try {
            return Optional.of(Charset.forName(name));
        } catch (IllegalArgumentException unknownOrIllegal) {
            return Optional.empty();
        }
    }

    /** The query string's parameters (from the container) followed by those of a form body. */
    private Map<String, String[]> mergedParameters() {
        Map<String, List<String>> merged = new LinkedHashMap<>();
        for (Map.Entry<String, String[]> entry : super.getParameterMap().entrySet()) {
            merged.computeIfAbsent(entry.getKey(), key -> new ArrayList<>()).addAll(List.of(entry.getValue()));
        }
        String type = getContentType();
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            String encoding = getCharacterEncoding();
            // As the containers do for parameters: a charset they do not know falls back to the default.
            Charset charset = encoding == null
                    ? StandardCharsets.UTF_8
                    : charset(encoding).orElse(StandardCharsets.UTF_8);
            for (String pair : new String(body, StandardCharsets.ISO_8859_1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int eq = pair.indexOf('=');
                try {
                    String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), charset);
                    String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), charset);
                    merged.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
                } catch (IllegalArgumentException malformed) {
                    // A pair the container would also drop: skip it, as it does.
                }
            }
        }
        Map<String, String[]> result = new LinkedHashMap<>();
        merged.forEach((name, values) -> result.put(name, values.toArray(String[]::new)));
        return result;
    }

    @Override
    public int getContentLength() {
        return body.length;
    }

    @Override
    public long getContentLengthLong() {
        return body.length;
    }

    /**
     * Replays a byte array. It never blocks, so it is always ready; a read listener is told at once that
     * data is available, and that all of it has been read once it has.
     */
    static final class ReplayInputStream extends ServletInputStream {
        private final byte[] bytes;
        private int position;

        ReplayInputStream(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int read() {
            return position < bytes.length ? bytes[position++] & 0xFF : -1;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            Objects.checkFromIndexSize(offset, length, buffer.length);
            if (length == 0) {
                return 0;
            }
            if (position >= bytes.length) {
                return -1;
            }
            int count = Math.min(length, bytes.length - position);
            System.arraycopy(bytes, position, buffer, offset, count);
            position += count;
            return count;
        }

        @Override
        public int available() {
            return bytes.length - position;
        }

        @Override
        public long skip(long n) {
            long skipped = Math.max(0, Math.min(n, bytes.length - position));
            position += (int) skipped;
            return skipped;
        }

        @Override
        public boolean isFinished() {
            return position >= bytes.length;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            Objects.requireNonNull(listener, "listener");
            try {
                if (!isFinished()) {
                    listener.onDataAvailable();
                }
                if (isFinished()) {
                    listener.onAllDataRead();
                }
            } catch (IOException e) {
                listener.onError(e);
            }
        }
    }
}
