package io.portcullis.web;

/**
 * One dependency reported by {@code GET /health/ready}. Implementations are thread-safe and answer
 * quickly (they report state they already know, or probe with a short timeout).
 */
public interface ReadinessCheck {

    /** The name under which the check appears in the readiness body. */
    String name();

    /** The current state of the dependency. */
    Result check();

    /**
     * @param ready false makes the gateway unready (503)
     * @param details what the body reports for this dependency
     */
    record Result(boolean ready, Object details) {}
}
