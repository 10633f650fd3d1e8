package io.portcullis.problem;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.portcullis.chain.RequestAttributes;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Map;

/**
 * The only code that writes an error body: {@code application/problem+json} with {@code type},
 * {@code title}, {@code status}, {@code detail} and {@code request_id}, and {@code Cache-Control: no-store}.
 * Stateless and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9457">RFC 9457</a>
 */
public final class ProblemWriter {
    public static final String MEDIA_TYPE = "application/problem+json";
    private static final JsonFactory JSON = new JsonFactory();

    private ProblemWriter() {}

    /** Writes the problem unless the response is already committed; records its type for the access log. */
    public static void write(HttpServletRequest request, HttpServletResponse response, Problem problem)
            throws IOException {
        RequestAttributes.PROBLEM.set(request, problem.type().slug());
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        byte[] body = body(problem, RequestAttributes.REQUEST_ID.get(request).orElse(null));
        response.setStatus(problem.type().status());
        response.setContentType(MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.setHeader("Cache-Control", "no-store");
        for (Map.Entry<String, String> header : problem.headers().entrySet()) {
            response.setHeader(header.getKey(), header.getValue());
        }
        response.setContentLength(body.length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(body);
        }
        response.flushBuffer();
    }

    public static void write(HttpServletRequest request, HttpServletResponse response, ProblemType type, String detail)
            throws IOException {
        write(request, response, Problem.of(type, detail));
    }

    static byte[] body(Problem problem, String requestId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("type", problem.type().uri());
            json.writeStringField("title", problem.type().title());
            json.writeNumberField("status", problem.type().status());
            json.writeStringField("detail", problem.detail());
            if (requestId != null) {
                json.writeStringField("request_id", requestId);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("cannot happen: writing to memory", e);
        }
        return out.toByteArray();
    }
}
