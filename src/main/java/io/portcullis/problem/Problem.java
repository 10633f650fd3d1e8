package io.portcullis.problem;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One problem to answer with: its type, a human-readable detail (never a token, key, stack trace or
 * matched payload), and any headers that go with it ({@code WWW-Authenticate}, {@code Retry-After},
 * {@code Allow}).
 */
public record Problem(ProblemType type, String detail, Map<String, String> headers) {

    public Problem {
        headers = Map.copyOf(headers);
    }

    public static Problem of(ProblemType type, String detail) {
        return new Problem(type, detail, Map.of());
    }

    public Problem withHeader(String name, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(name, value);
        return new Problem(type, detail, copy);
    }
}
