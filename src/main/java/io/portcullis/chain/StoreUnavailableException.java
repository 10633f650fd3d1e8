package io.portcullis.chain;

/**
 * The shared store could not answer: Redis is unreachable, timed out, or the circuit breaker is open; or
 * an in-memory store is full. Store calls complete exceptionally with this (possibly wrapped in a
 * {@link java.util.concurrent.CompletionException}); callers answer 503 or apply their
 * {@code redis.on-failure} policy. Made without a stack trace: it is an expected outcome.
 */
public final class StoreUnavailableException extends RuntimeException {

    public StoreUnavailableException(String message) {
        super(message, null, false, false);
    }

    public StoreUnavailableException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** Whether {@code failure}, or what it wraps, is a {@link StoreUnavailableException}. */
    public static boolean isCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StoreUnavailableException) {
                return true;
            }
        }
        return false;
    }
}
