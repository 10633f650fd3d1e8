package io.portcullis.testsupport;

import static org.mockito.Mockito.CALLS_REAL_METHODS;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.withSettings;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An {@link HttpServletRequest} for unit tests: attributes, headers, method, path, peer and dispatch type
 * behave like a container's; every other method is a Mockito default, and the object can be verified.
 * The request is mapped like the gateway servlet ({@code /}): the servlet path is the whole path.
 */
public abstract class FakeRequest implements HttpServletRequest {
    private final Map<String, Object> attributes = new HashMap<>();
    private final Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private String method = "GET";
    private String path = "/";
    private String query;
    private String remoteAddr = "192.0.2.10";
    private DispatcherType dispatcherType = DispatcherType.REQUEST;
    private AsyncContext asyncContext;

    public static FakeRequest of(String method, String path) {
        FakeRequest request =
                mock(FakeRequest.class, withSettings().useConstructor().defaultAnswer(CALLS_REAL_METHODS));
        request.method = method;
        request.path = path;
        return request;
    }

    public FakeRequest header(String name, String value) {
        headers.computeIfAbsent(name, key -> new ArrayList<>()).add(value);
        return this;
    }

    public FakeRequest remoteAddr(String address) {
        this.remoteAddr = address;
        return this;
    }

    public FakeRequest query(String queryString) {
        this.query = queryString;
        return this;
    }

    public FakeRequest dispatcherType(DispatcherType type) {
        this.dispatcherType = type;
        return this;
    }

    /** Makes {@link #isAsyncStarted()} true with this context. */
    public FakeRequest asyncStarted(AsyncContext context) {
        this.asyncContext = context;
        return this;
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        attributes.put(name, value);
    }

    @Override
    public void removeAttribute(String name) {
        attributes.remove(name);
    }

    @Override
    public String getHeader(String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    @Override
    public Enumeration<String> getHeaders(String name) {
        return Collections.enumeration(headers.getOrDefault(name, List.of()));
    }

    @Override
    public Enumeration<String> getHeaderNames() {
        return Collections.enumeration(new ArrayList<>(headers.keySet()));
    }

    @Override
    public String getMethod() {
        return method;
    }

    @Override
    public String getRequestURI() {
        return path;
    }

    @Override
    public String getContextPath() {
        return "";
    }

    @Override
    public String getServletPath() {
        return path;
    }

    @Override
    public String getPathInfo() {
        return null;
    }

    @Override
    public String getQueryString() {
        return query;
    }

    @Override
    public String getRemoteAddr() {
        return remoteAddr;
    }

    @Override
    public String getScheme() {
        return "http";
    }

    @Override
    public DispatcherType getDispatcherType() {
        return dispatcherType;
    }

    @Override
    public boolean isAsyncStarted() {
        return asyncContext != null;
    }

    @Override
    public AsyncContext getAsyncContext() {
        if (asyncContext == null) {
            throw new IllegalStateException("not async");
        }
        return asyncContext;
    }
}
