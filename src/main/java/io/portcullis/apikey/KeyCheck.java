package io.portcullis.apikey;

import io.portcullis.chain.Identity;
import java.util.Objects;

/**
 * What a presented API key turned out to be.
 *
 * @param outcome see {@link Outcome}
 * @param identity the caller, when {@link Outcome#IDENTIFIED}; otherwise {@link Identity#ANONYMOUS}
 */
public record KeyCheck(Outcome outcome, Identity identity) {

    public KeyCheck {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(identity, "identity");
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
        return new KeyCheck(Outcome.IDENTIFIED, identity);
    }

    static KeyCheck of(Outcome outcome) {
        return new KeyCheck(outcome, Identity.ANONYMOUS);
    }
}
