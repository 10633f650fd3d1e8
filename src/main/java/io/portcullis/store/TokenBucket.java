package io.portcullis.store;

import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;

/**
 * Token bucket, as {@code redis/token-bucket.lua}: up to {@code limit} tokens, refilled evenly at
 * {@code limit} per window; a request takes one or is refused. Tokens are kept scaled by the window in
 * milliseconds (one token = {@code window} units, {@code limit} units refill per millisecond), so the
 * arithmetic is exact on integers, as in the script. Stateless.
 */
final class TokenBucket implements LocalAlgorithm<TokenBucket.Tokens> {

    @Override
    public Step<Tokens> apply(Tokens state, Quota quota, long nowMillis) {
        long limit = quota.limit();
        long window = quota.window().toMillis();
        long capacity = limit * window;
        long scaled = capacity;
        long now = nowMillis;
        if (state != null) {
            scaled = state.scaled();
            if (now > state.updatedMillis()) {
                scaled = Math.min(capacity, scaled + (now - state.updatedMillis()) * limit);
            } else {
                now = state.updatedMillis();
            }
        }
        boolean admitted = scaled >= window;
        if (admitted) {
            scaled -= window;
        }
        long untilFull = Math.max(1, ceilDiv(capacity - scaled, limit));
        long untilNext = ceilDiv(window - scaled % window, limit);
        long reset = LocalAlgorithm.secondsUntil(now + untilNext, now);
        Decision decision = admitted
                ? new Decision(Decision.Outcome.ALLOWED, limit, scaled / window, reset)
                : new Decision(Decision.Outcome.LIMITED, limit, 0, reset);
        return new Step<>(new Tokens(scaled, now), now + untilFull, decision);
    }

    private static long ceilDiv(long dividend, long divisor) {
        return -Math.floorDiv(-dividend, divisor);
    }

    /** Scaled tokens left at {@code updatedMillis}. */
    record Tokens(long scaled, long updatedMillis) {}
}
