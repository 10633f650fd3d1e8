package io.portcullis.auth;

import io.portcullis.chain.StoreUnavailableException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a store call on the request thread (the auth endpoints are synchronous; Argon2 blocks anyway).
 * Any failure of the store, and a call that outlives {@link #LIMIT}, becomes a
 * {@link StoreUnavailableException}, which the endpoint answers with 503. Stateless.
 */
final class Await {
    /** A backstop only: the Redis stores time out after {@code redis.timeout} and trip their breaker. */
    static final Duration LIMIT = Duration.ofSeconds(10);

    private Await() {}

    static <T> T result(CompletionStage<T> call) {
        try {
            return call.toCompletableFuture().get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreUnavailableException unavailable) {
                throw unavailable;
            }
            throw new StoreUnavailableException("the store failed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new StoreUnavailableException("the store did not answer within " + LIMIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for the store");
        }
    }
}
