package io.portcullis.testsupport;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension that runs a {@link RedisProcess} for a test class: started before all its tests, stopped by
 * PID after them. Register it as a static field:
 * <pre>{@code @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();}</pre>
 * Tests may {@link #stop}, {@link #kill} and {@link #startAgain} it on the same port.
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {
    private RedisProcess process;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (process == null) {
            process = RedisProcess.start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        // Nested test classes run their own beforeAll/afterAll: only the outermost one stops the server.
        if (process != null
                && context.getParent().flatMap(ExtensionContext::getParent).isEmpty()) {
            process.close();
            process = null;
        }
    }

    public RedisProcess process() {
        if (process == null) {
            throw new IllegalStateException("the Redis extension has not started (register it as a static field)");
        }
        return process;
    }

    public String uri() {
        return process().uri();
    }

    public int port() {
        return process().port();
    }

    public void stop() {
        process().stop();
    }

    public void kill() {
        process().kill();
    }

    public void pause() {
        process().pause();
    }

    public void resume() {
        process().resume();
    }

    public void startAgain() {
        process().startAgain();
    }

    /** Deletes every key. */
    public void flushAll() {
        try {
            process().command("FLUSHALL");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
