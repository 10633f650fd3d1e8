package io.portcullis.web;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Reports shutdown in {@code /health/ready}: {@code running} until shutdown begins, then {@code draining} (503)
 * for as long as the node still answers, so a load balancer takes it out while its in-flight requests finish.
 * Shutdown begins when the JVM starts its shutdown hooks (SIGTERM: the container's graceful stop has only
 * begun) or when the container destroys the context, whichever comes first. Thread-safe.
 */
final class ShutdownReadiness implements ReadinessCheck {
    private final AtomicBoolean draining = new AtomicBoolean();

    /** From now on the node is unready; it never becomes ready again. */
    void begin() {
        draining.set(true);
    }

    boolean draining() {
        return draining.get();
    }

    @Override
    public String name() {
        return "shutdown";
    }

    @Override
    public Result check() {
        return draining.get() ? new Result(false, "draining") : new Result(true, "running");
    }
}
