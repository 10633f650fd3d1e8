package io.portcullis.logging;

import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Renders request headers for a debug log with credentials replaced by {@code [redacted]}. Thread-safe. */
public final class HeaderRedactor {
    private static final Set<String> ALWAYS = Set.of("authorization", "proxy-authorization", "cookie", "set-cookie");

    private final Set<String> redacted;

    /** @param apiKeyHeader the configured API-key header, redacted as well */
    public HeaderRedactor(String apiKeyHeader) {
        HashSet<String> names = new HashSet<>(ALWAYS);
        names.add(apiKeyHeader.toLowerCase(Locale.ROOT));
        names.add("x-api-key");
        this.redacted = Set.copyOf(names);
    }

    public boolean isRedacted(String headerName) {
        return redacted.contains(headerName.toLowerCase(Locale.ROOT));
    }

    public Map<String, String> render(HttpServletRequest request) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            out.put(
                    name,
                    isRedacted(name) ? "[redacted]" : String.join(", ", Collections.list(request.getHeaders(name))));
        }
        return out;
    }
}
