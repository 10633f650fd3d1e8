package io.portcullis.waf;

import java.util.Optional;

/** How much a rule adds to a request's anomaly score, with the OWASP CRS weights. */
public enum Severity {
    CRITICAL(5),
    ERROR(4),
    WARNING(3),
    NOTICE(2);

    /** The default inbound anomaly threshold: one critical match, or a warning and a notice, block. */
    public static final int INBOUND_THRESHOLD = 5;

    private final int score;

    Severity(int score) {
        this.score = score;
    }

    public int score() {
        return score;
    }

    /** The severity named {@code name} ({@code critical}, {@code error}, {@code warning}, {@code notice}). */
    public static Optional<Severity> named(String name) {
        return EnumNames.named(Severity.class, name);
    }
}
