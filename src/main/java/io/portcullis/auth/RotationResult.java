package io.portcullis.auth;

import java.util.Objects;
import java.util.Optional;

/**
 * What {@link SessionStore#rotate} did.
 *
 * @param outcome see {@link Outcome}
 * @param session the session after the call: present for {@code ROTATED} and {@code GRACE}, and for
 *     {@code REUSED} (the session as it was before it ended, so the caller can revoke its access tokens)
 * @param successorHash the refresh token now current: the caller's for {@code ROTATED}, the earlier
 *     winner's for {@code GRACE}
 * @param successorEnvelope what the winner passed as its envelope ({@code GRACE}), or the caller's own
 *     ({@code ROTATED})
 */
public record RotationResult(
        Outcome outcome,
        Optional<Session> session,
        Optional<String> successorHash,
        Optional<String> successorEnvelope) {

    public RotationResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(successorHash, "successorHash");
        Objects.requireNonNull(successorEnvelope, "successorEnvelope");
    }

    /** How a rotation ended. */
    public enum Outcome {
        /** The presented token was current: it is spent now and the caller's successor is current. */
        ROTATED,
        /** The presented token was spent within {@code refresh-grace}: the same successor as before. */
        GRACE,
        /** A spent token was presented after the grace window: the whole session has ended (RFC 9700 §4.14.2). */
        REUSED,
        /**
         * The session ended by the idle timeout or its absolute lifetime; it is gone now. Reported while the
         * store still held the expired session; once its TTL has removed it, the answer is {@code UNKNOWN}.
         */
        EXPIRED,
        /** No such session, or a token it never issued: nothing changed. */
        UNKNOWN
    }

    public static RotationResult of(Outcome outcome) {
        return new RotationResult(outcome, Optional.empty(), Optional.empty(), Optional.empty());
    }
}
