package io.portcullis.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/** Fan-out helpers for pipelined store calls. Stateless. */
final class Futures {
    private Futures() {}

    /** Starts {@code call} for every item at once (they pipeline on the shared connection); results in order. */
    static <I, T> CompletableFuture<List<T>> each(List<I> items, Function<I, CompletableFuture<T>> call) {
        List<CompletableFuture<T>> calls = new ArrayList<>(items.size());
        for (I item : items) {
            calls.add(call.apply(item));
        }
        return CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<T> results = new ArrayList<>(calls.size());
            for (CompletableFuture<T> each : calls) {
                results.add(each.join());
            }
            return results;
        });
    }
}
