package io.portcullis.apikey;

import io.portcullis.chain.Identity;
import io.portcullis.quota.Counted;
import java.util.Objects;
import java.util.Optional;

/**
 * What a presented API key turned out to be.
 *
 * @param outcome see {@link Outcome}
 * @param identity the caller, when {@link Outcome#IDENTIFIED}; otherwise {@link Identity#ANONYMOUS}
 * @param counted the rate-limit count made in the round trip of the key lookup, if one was
 */
public record KeyCheck(Outcome outcome, Identity identity, Optional<Counted> counted) {

    public KeyCheck {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(counted, "counted");
    }

    /** How a key check ended. */
    public enum Outcome {
        /** A static key from the configuration, or an issued key that is not revoked. */
        IDENTIFIED,
        /** Unknown or revoked: 401 {@code Invalid API key}. */
        INVALID,
        /** Not a static key, and the key store could not answer: 503. */
        UNAVAILABLE
    }

    static KeyCheck identified(Identity identity) {
        return new KeyCheck(Outcome.IDENTIFIED, identity, Optional.empty());
    }

    static KeyCheck of(Outcome outcome) {
        return new KeyCheck(outcome, Identity.ANONYMOUS, Optional.empty());
    }
}
