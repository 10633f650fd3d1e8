package io.portcullis.store;

import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;

/**
 * Fixed window, as {@code redis/fixed-window.lua}: the first request opens a window of the quota's length;
 * requests in it are counted, and allowed while the count is within the limit. Stateless.
 */
final class FixedWindow implements LocalAlgorithm<FixedWindow.Window> {

    @Override
    public Step<Window> apply(Window state, Quota quota, long nowMillis) {
        Window window = state == null ? new Window(0, nowMillis + quota.window().toMillis()) : state;
        Window next = new Window(window.count() + 1, window.endMillis());
        long reset = LocalAlgorithm.secondsUntil(next.endMillis(), nowMillis);
        Decision decision = next.count() <= quota.limit()
                ? new Decision(Decision.Outcome.ALLOWED, quota.limit(), quota.limit() - next.count(), reset)
                : new Decision(Decision.Outcome.LIMITED, quota.limit(), 0, reset);
        return new Step<>(next, next.endMillis(), decision);
    }

    /** Requests counted so far in a window that ends at {@code endMillis}. */
    record Window(long count, long endMillis) {}
}
