package io.portcullis.direct;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.chain.JsonResponses;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.chain.RouteHandler;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.chain.StoreWait;
import io.portcullis.chain.TokenClaims;
import io.portcullis.config.RouteConfig.DirectConfig;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.route.RouteStage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers direct routes ({@code direct: {redis-key: "cart:{sub}"}}) from a {@link DirectStore}, after every
 * stage (WAF, API key, JWT, rate limit) has let the request through; nothing is proxied. The key is the
 * route's template filled with the caller's verified claims and named path segments ({@link KeyResolver}).
 * GET and HEAD read: a string holding JSON comes back as is, any other string as a JSON string, a hash as a
 * JSON object of its fields, always {@code application/json} and {@code Cache-Control: no-store}; a missing
 * key → 404. With {@code writes: true}, PUT stores a JSON body of at most {@code max-body} bytes as a string
 * (204) and DELETE removes the key (204, or 404 when absent); other methods → 405 with {@code Allow}. The
 * store unreachable → 503 with {@code Retry-After}. Thread-safe.
 */
public final class DirectResponseHandler implements RouteHandler {
    /** A bound on the wait for the store, above its own Redis timeout. */
    private static final String READ_METHODS = "GET, HEAD";

    private static final String ALL_METHODS = "GET, HEAD, PUT, DELETE";
    private static final Logger LOG = LoggerFactory.getLogger(DirectResponseHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private final DirectStore store;
    private final StoreWait storeWait;

    public DirectResponseHandler(DirectStore store) {
        this(store, StoreWait.DEFAULT);
    }

    /** @param storeWait the bound on the wait for the store's answer; past it the answer is 503 */
    public DirectResponseHandler(DirectStore store, StoreWait storeWait) {
        this.store = store;
        this.storeWait = storeWait;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Route route = RequestAttributes.ROUTE.require(request);
        DirectConfig direct = route.config()
                .flatMap(c -> c.direct())
                .orElseThrow(() -> new IllegalStateException("route " + route.id() + " is not a direct route"));
        String method = request.getMethod();
        boolean read = method.equals("GET") || method.equals("HEAD");
        boolean write = direct.writes() && (method.equals("PUT") || method.equals("DELETE"));
        if (!read && !write) {
            String allowed = direct.writes() ? ALL_METHODS : READ_METHODS;
            ProblemWriter.write(
                    request,
                    response,
                    new Problem(
                            ProblemType.METHOD_NOT_ALLOWED,
                            "This route answers " + allowed + ".",
                            Map.of("Allow", allowed)));
            return;
        }
        Map<String, String> segments = KeyResolver.segments(direct.path(), route.remainder(RouteStage.path(request)));
        if (segments == null) {
            ProblemWriter.write(request, response, ProblemType.NOT_FOUND, "No value at this path.");
            return;
        }
        TokenClaims claims = RequestAttributes.TOKEN_CLAIMS.get(request).orElse(new TokenClaims(Map.of()));
        KeyResolver.Resolution resolution = KeyResolver.resolve(direct.redisKey(), claims, segments);
        if (resolution instanceof KeyResolver.Resolution.Refused refused) {
            ProblemWriter.write(request, response, refused.problem());
            return;
        }
        String key = ((KeyResolver.Resolution.Key) resolution).key();
        switch (method) {
            case "PUT" -> put(request, response, key, direct.maxBody());
            case "DELETE" -> delete(request, response, key);
            default -> get(request, response, key);
        }
    }

    private void get(HttpServletRequest request, HttpServletResponse response, String key) throws IOException {
        DirectValue value = await(request, response, store.get(key));
        if (value == null) {
            return;
        }
        if (value instanceof DirectValue.Absent) {
            ProblemWriter.write(request, response, ProblemType.NOT_FOUND, "No value is stored for this caller here.");
        } else if (value instanceof DirectValue.Text text) {
            JsonResponses.writeJson(
                    request,
                    response,
                    200,
                    isJson(text.value())
                            ? text.value().getBytes(StandardCharsets.UTF_8)
                            : JSON.writeValueAsBytes(text.value()),
                    "no-store");
        } else if (value instanceof DirectValue.Hash hash) {
            JsonResponses.write(request, response, 200, hash.fields(), "no-store");
        } else {
            LOG.warn(
                    "request {}: direct key holds a {}, which is not served (strings and hashes are)",
                    RequestAttributes.REQUEST_ID.get(request).orElse("-"),
                    ((DirectValue.Unsupported) value).type());
            ProblemWriter.write(
                    request,
                    response,
                    ProblemType.INTERNAL_ERROR,
                    "The stored value has a type this route does not serve.");
        }
    }

    private void put(HttpServletRequest request, HttpServletResponse response, String key, long maxBody)
            throws IOException {
        if (request.getContentLengthLong() > maxBody) {
            ProblemWriter.write(
                    request,
                    response,
                    ProblemType.PAYLOAD_TOO_LARGE,
                    "The value is larger than this route accepts (" + maxBody + " bytes).");
            return;
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBody + 1));
        }
        if (body.length > maxBody) {
            ProblemWriter.write(
                    request,
                    response,
                    ProblemType.PAYLOAD_TOO_LARGE,
                    "The value is larger than this route accepts (" + maxBody + " bytes).");
            return;
        }
        if (!isJson(body)) {
            ProblemWriter.write(request, response, ProblemType.BAD_REQUEST, "The body must be one JSON value.");
            return;
        }
        if (await(
                        request,
                        response,
                        store.put(key, new String(body, StandardCharsets.UTF_8)).thenApply(v -> true))
                != null) {
            noContent(response);
        }
    }

    private void delete(HttpServletRequest request, HttpServletResponse response, String key) throws IOException {
        Boolean existed = await(request, response, store.delete(key));
        if (existed == null) {
            return;
        }
        if (existed) {
            noContent(response);
        } else {
            ProblemWriter.write(request, response, ProblemType.NOT_FOUND, "No value is stored for this caller here.");
        }
    }

    private static void noContent(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        response.setHeader("Cache-Control", "no-store");
    }

    /** The store's answer, or null after answering 503 because it has none. */
    private <T> T await(HttpServletRequest request, HttpServletResponse response, CompletionStage<T> stage)
            throws IOException {
        try {
            return storeWait.result(stage);
        } catch (RuntimeException e) {
            LOG.debug(
                    "request {}: direct store unavailable: {}",
                    RequestAttributes.REQUEST_ID.get(request).orElse("-"),
                    e.toString());
        }
        ProblemWriter.write(
                request,
                response,
                Problem.of(ProblemType.SERVICE_UNAVAILABLE, "The data store cannot be reached right now.")
                        .withHeader("Retry-After", Long.toString(StoreUnavailableException.RETRY_AFTER_SECONDS)));
        return null;
    }

    /** Whether {@code text} is one complete JSON value. */
    static boolean isJson(String text) {
        return isJson(text.getBytes(StandardCharsets.UTF_8));
    }

    private static boolean isJson(byte[] bytes) {
        if (bytes.length == 0) {
            return false;
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            return node != null && !node.isMissingNode();
        } catch (IOException e) {
            return false;
        }
    }
}
