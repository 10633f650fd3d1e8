package io.portcullis.chain;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** Writes the successful JSON answers of the gateway's own endpoints ({@code Cache-Control: no-store}). Thread-safe. */
public final class JsonResponses {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonResponses() {}

    public static void write(HttpServletRequest request, HttpServletResponse response, int status, Object body)
            throws IOException {
        write(request, response, status, body, "no-store");
    }

    public static void write(
            HttpServletRequest request, HttpServletResponse response, int status, Object body, String cacheControl)
            throws IOException {
        writeJson(request, response, status, MAPPER.writeValueAsBytes(body), cacheControl);
    }

    /** Writes {@code json}, already a serialised JSON document, as is. */
    public static void writeJson(
            HttpServletRequest request, HttpServletResponse response, int status, byte[] json, String cacheControl)
            throws IOException {
        byte[] bytes = json;
        response.setStatus(status);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", cacheControl);
        response.setContentLength(bytes.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(bytes);
        }
    }
}
