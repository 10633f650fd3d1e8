package io.portcullis.quota;

import java.util.Objects;
import java.util.Optional;

/**
 * What a store answered to "check, then count the request if the check passes": the check's outcome and,
 * when the store counted the request in the same round trip, the rate-limit decision. Empty when nothing was
 * counted — the check refused, the store could not answer, or it cannot do both at once (Redis Cluster with
 * the keys on two slots; the in-memory stores, which have no round trip to save) — and the rate-limit stage then counts as
 * usual.
 *
 * @param <T> the check's outcome
 */
public record Checked<T>(T outcome, Optional<Decision> decision) {

    public Checked {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(decision, "decision");
    }

    /** The outcome of a check that counted nothing. */
    public static <T> Checked<T> notCounted(T outcome) {
        return new Checked<>(outcome, Optional.empty());
    }
}
