package io.portcullis.waf;

import java.util.Optional;

/** Which normalised form of a value a rule matches against; see {@link Normalizer}. */
public enum Transform {
    /** Decoded, NFKC, lower case. */
    TEXT,
    /** {@link #TEXT} without SQL comments, whitespace folded. */
    SQL,
    /** {@link #TEXT} without shell quoting tricks, whitespace folded. */
    CMD,
    /** {@link #TEXT} with all whitespace removed, so {@code j a v a s c r i p t :} reads as one word. */
    COMPACT,
    /** {@link #TEXT} with path separators normalised. */
    PATH,
    /** A value that is base64 (standard or URL alphabet), decoded and then {@link #TEXT}; others are skipped. */
    BASE64,
    /** The value exactly as received. */
    NONE;

    public static Optional<Transform> named(String name) {
        return EnumNames.named(Transform.class, name);
    }
}
