package io.portcullis.jwt;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Waits for a store's answer on the request thread, with a bound, falling back instead of throwing. */
final class Awaits {
    private Awaits() {}

    static <T> T await(CompletionStage<T> stage, Duration timeout, T fallback) {
        try {
            T value = stage.toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return value == null ? fallback : value;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fallback;
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            return fallback;
        }
    }
}
