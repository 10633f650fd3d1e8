package io.portcullis.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts the upstream servers that the integration-test configuration names, once for the whole run,
 * on the ports Maven reserved ({@code upstream.a.port}, {@code upstream.b.port}); JUnit closes them when
 * the run ends. {@code upstream.refused.port} is reserved and deliberately left closed.
 */
public final class Upstreams implements BeforeAllCallback {
    public static final int A_PORT = Integer.getInteger("upstream.a.port", 0);
    public static final int B_PORT = Integer.getInteger("upstream.b.port", 0);
    public static final int REFUSED_PORT = Integer.getInteger("upstream.refused.port", 0);

    private static volatile Running running;

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getRoot()
                .getStore(ExtensionContext.Namespace.create(Upstreams.class))
                .computeIfAbsent("servers", key -> running = start(), Running.class);
    }

    /** Upstream "a", for tests that check what it received (or that nothing arrived). */
    static TestUpstream a() {
        if (running == null) {
            throw new IllegalStateException("Upstreams has not started: annotate the test class with @GatewayIT");
        }
        return running.a();
    }

    private static Running start() {
        if (A_PORT == 0 || B_PORT == 0) {
            throw new IllegalStateException("upstream.a.port and upstream.b.port are not set: run with mvn verify");
        }
        try {
            TestUpstream a = new TestUpstream("a", A_PORT);
            try {
                return new Running(a, new TestUpstream("b", B_PORT));
            } catch (IOException e) {
                a.close();
                throw e;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the test upstreams", e);
        }
    }

    /** Both servers; closed by JUnit at the end of the run. */
    record Running(TestUpstream a, TestUpstream b) implements AutoCloseable {
        @Override
        public void close() {
            a.close();
            b.close();
        }
    }
}
