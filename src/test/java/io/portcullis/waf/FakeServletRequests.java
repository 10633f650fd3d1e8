package io.portcullis.waf;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Proxy;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Minimal in-memory servlet requests and responses for filter tests: just what a filter stage uses
 * (method, URI, headers, body stream, attributes; status, headers and body of the answer).
 */
final class FakeServletRequests {
    private FakeServletRequests() {}

    static HttpServletRequest request(CorpusRequest spec) {
        return request(spec.method(), spec.uri(), spec.headers(), spec.body());
    }

    static HttpServletRequest request(String method, String uri, List<Map.Entry<String, String>> headers, byte[] body) {
        Map<String, Object> attributes = new HashMap<>();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        String query = q < 0 ? null : uri.substring(q + 1);
        BufferedBodyRequest.ReplayInputStream stream = new BufferedBodyRequest.ReplayInputStream(body);
        boolean chunked = headers.stream().anyMatch(h -> h.getKey().equalsIgnoreCase("Transfer-Encoding"));
        return (HttpServletRequest) Proxy.newProxyInstance(
                FakeServletRequests.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getMethod" -> method;
                    case "getProtocol" -> "HTTP/1.1";
                    case "getRequestURI" -> path;
                    case "getContextPath" -> "";
                    case "getServletPath" -> decodePath(path);
                    case "getPathInfo" -> null;
                    case "getQueryString" -> query;
                    case "getHeaderNames" -> {
                        List<String> names = new ArrayList<>();
                        for (Map.Entry<String, String> h : headers) {
                            if (names.stream().noneMatch(n -> n.equalsIgnoreCase(h.getKey()))) {
                                names.add(h.getKey());
                            }
                        }
                        yield Collections.enumeration(names);
                    }
                    case "getHeaders" ->
                        Collections.enumeration(headers.stream()
                                .filter(h -> h.getKey().equalsIgnoreCase((String) args[0]))
                                .map(Map.Entry::getValue)
                                .toList());
                    case "getHeader" ->
                        headers.stream()
                                .filter(h -> h.getKey().equalsIgnoreCase((String) args[0]))
                                .map(Map.Entry::getValue)
                                .findFirst()
                                .orElse(null);
                    case "getContentType" ->
                        headers.stream()
                                .filter(h -> h.getKey().equalsIgnoreCase("Content-Type"))
                                .map(Map.Entry::getValue)
                                .findFirst()
                                .orElse(null);
                    case "getContentLengthLong" -> chunked ? -1L : (long) body.length;
                    case "getContentLength" -> chunked ? -1 : body.length;
                    case "getInputStream" -> stream;
                    case "getCharacterEncoding" -> null;
                    case "getParameterMap" -> query == null ? Map.of() : Map.of("q", new String[] {"from-query"});
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> {
                        attributes.put((String) args[0], args[1]);
                        yield null;
                    }
                    case "removeAttribute" -> {
                        attributes.remove((String) args[0]);
                        yield null;
                    }
                    case "getDispatcherType" -> jakarta.servlet.DispatcherType.REQUEST;
                    case "toString" -> method + " " + uri;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    private static String decodePath(String path) {
        try {
            return URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return path;
        }
    }

    /** A response that records what a filter wrote. */
    static final class Recorder {
        int status = 200;
        final Map<String, String> headers = new LinkedHashMap<>();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        boolean committed;
        final HttpServletResponse response = (HttpServletResponse) Proxy.newProxyInstance(
                FakeServletRequests.class.getClassLoader(),
                new Class<?>[] {HttpServletResponse.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "setStatus" -> {
                        status = (Integer) args[0];
                        yield null;
                    }
                    case "getStatus" -> status;
                    case "setHeader", "addHeader" -> {
                        headers.put(((String) args[0]).toLowerCase(), (String) args[1]);
                        yield null;
                    }
                    case "getHeader" -> headers.get(((String) args[0]).toLowerCase());
                    case "setContentType" -> {
                        headers.put("content-type", (String) args[0]);
                        yield null;
                    }
                    case "setCharacterEncoding", "setContentLength", "setContentLengthLong", "resetBuffer" -> null;
                    case "isCommitted" -> committed;
                    case "flushBuffer" -> {
                        committed = true;
                        yield null;
                    }
                    case "getOutputStream" ->
                        new ServletOutputStream() {
                            @Override
                            public void write(int b) {
                                body.write(b);
                            }

                            @Override
                            public boolean isReady() {
                                return true;
                            }

                            @Override
                            public void setWriteListener(WriteListener listener) {}
                        };
                    case "toString" -> "response " + status;
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(m.getName());
                });

        String body() {
            return body.toString(StandardCharsets.UTF_8);
        }
    }
}
