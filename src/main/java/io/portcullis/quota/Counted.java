package io.portcullis.quota;

import java.util.Objects;

/**
 * A request an earlier stage has already counted, in the one Redis round trip of its own check (the
 * API-key lookup, the revocation check): the rate-limit stage answers with this decision instead of counting again, as
 * long as the charge is the one it would make itself.
 */
public record Counted(Charge charge, Decision decision) {

    public Counted {
        Objects.requireNonNull(charge, "charge");
        Objects.requireNonNull(decision, "decision");
    }
}
