package io.portcullis.chain;

/**
 * The shared store could not answer: Redis is unreachable, timed out, or the circuit breaker is open; or
 * an in-memory store is full. Store calls complete exceptionally with this (possibly wrapped in a
 * {@link java.util.concurrent.CompletionException}); callers answer 503 or apply their
 * {@code redis.on-failure} policy. Made without a stack trace: it is an expected outcome.
 */
public final class StoreUnavailableException extends RuntimeException {
    /**
     * The {@code Retry-After}, in seconds, of every 503 the gateway answers because a store did not answer (a
     * token's revocation, an issued API key, a direct route's value, the auth service's state): the circuit
     * breaker probes again within about this time.
     */
    public static final long RETRY_AFTER_SECONDS = 1;

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
