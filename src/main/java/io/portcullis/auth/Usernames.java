package io.portcullis.auth;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * Username rules: Unicode NFKC normalisation, then lower-casing (so {@code Alice}, {@code ALICE} and
 * full-width {@code Ａｌｉｃｅ} are one user), then 1–64 characters with no whitespace or control
 * characters. Stateless.
 */
public final class Usernames {
    public static final int MAX_LENGTH = 64;

    private Usernames() {}

    /** The canonical form of {@code raw}, or empty when it breaks the rules. */
    public static Optional<String> normalise(String raw) {
        if (raw == null || raw.length() > MAX_LENGTH * 4) {
            return Optional.empty();
        }
        String normalised = Normalizer.normalize(raw, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        int length = normalised.codePointCount(0, normalised.length());
        if (length < 1 || length > MAX_LENGTH) {
            return Optional.empty();
        }
        boolean ok = normalised
                .codePoints()
                .allMatch(c -> !Character.isWhitespace(c)
                        && !Character.isISOControl(c)
                        && Character.getType(c) != Character.FORMAT
                        && Character.getType(c) != Character.UNASSIGNED
                        && !Character.isSpaceChar(c));
        return ok ? Optional.of(normalised) : Optional.empty();
    }
}
