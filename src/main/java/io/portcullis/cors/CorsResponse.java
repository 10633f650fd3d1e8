package io.portcullis.cors;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.util.Locale;
import java.util.Map;

/**
 * The response as the stages after CORS and the upstream see it on a CORS route: every {@code Access-Control-*}
 * header they set is dropped (the route's policy alone decides them, an upstream cannot widen it), a
 * {@code Vary} they set is added beside {@code Vary: Origin} instead of replacing it, and a {@link #reset()}
 * writes the CORS headers again. Not thread-safe, like the response it wraps.
 */
final class CorsResponse extends HttpServletResponseWrapper {
    private static final String PREFIX = "access-control-";

    private final Map<String, String> corsHeaders;

    /** @param corsHeaders the headers this gateway set, in order, written again after a reset */
    CorsResponse(HttpServletResponse response, Map<String, String> corsHeaders) {
        super(response);
        this.corsHeaders = corsHeaders;
    }

    static void apply(HttpServletResponse response, Map<String, String> headers) {
        headers.forEach(response::setHeader);
    }

    private static boolean isCors(String name) {
        return name != null && name.toLowerCase(Locale.ROOT).startsWith(PREFIX);
    }

    private static boolean isVary(String name) {
        return name != null && name.equalsIgnoreCase("Vary");
    }

    @Override
    public void setHeader(String name, String value) {
        if (isCors(name)) {
            return;
        }
        if (isVary(name)) {
            super.setHeader(name, corsHeaders.get("Vary"));
            if (value != null && !value.isBlank() && !value.equalsIgnoreCase("Origin")) {
                super.addHeader(name, value);
            }
            return;
        }
        super.setHeader(name, value);
    }

    @Override
    public void addHeader(String name, String value) {
        if (!isCors(name)) {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        if (!isCors(name) && !isVary(name)) {
            super.setIntHeader(name, value);
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        if (!isCors(name)) {
            super.addIntHeader(name, value);
        }
    }

    @Override
    public void setDateHeader(String name, long date) {
        if (!isCors(name) && !isVary(name)) {
            super.setDateHeader(name, date);
        }
    }

    @Override
    public void addDateHeader(String name, long date) {
        if (!isCors(name)) {
            super.addDateHeader(name, date);
        }
    }

    @Override
    public void reset() {
        super.reset();
        apply((HttpServletResponse) getResponse(), corsHeaders);
    }
}
