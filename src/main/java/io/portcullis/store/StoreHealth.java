package io.portcullis.store;

import java.util.Map;

/**
 * The state of the shared store for {@code /health/ready}.
 *
 * @param ready false while Redis is configured but unreachable (the breaker is open)
 * @param details what the readiness body shows, such as {@code {"status":"down","since":"…"}}
 */
public record StoreHealth(boolean ready, Map<String, Object> details) {

    public StoreHealth {
        details = Map.copyOf(details);
    }
}
