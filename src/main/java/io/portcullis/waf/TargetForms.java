package io.portcullis.waf;

import java.util.Arrays;

/**
 * The normalised forms of one target's value and the prefilter's scan of each, computed on first use: a
 * form no active rule asks for is never built, a form equal to another (the usual case: plain text has
 * nothing to decode or fold) is the same string and is scanned once. Reused from target to target within
 * one inspection; not thread-safe.
 */
final class TargetForms {
    private static final Transform[] TRANSFORMS = Transform.values();

    private final RulePrefilter prefilter;
    private final String[] forms = new String[TRANSFORMS.length];
    private final boolean[] built = new boolean[TRANSFORMS.length];
    private final long[][] hits = new long[TRANSFORMS.length][];
    private String raw;

    TargetForms(RulePrefilter prefilter) {
        this.prefilter = prefilter;
    }

    /** Starts over with another value. */
    void reset(String value) {
        raw = value;
        Arrays.fill(forms, null);
        Arrays.fill(built, false);
        Arrays.fill(hits, null);
    }

    /** The value in the given form; {@code null} when the form does not apply (base64 of a value that is not). */
    String form(Transform transform) {
        int slot = transform.ordinal();
        if (!built[slot]) {
            forms[slot] = switch (transform) {
                case NONE -> raw;
                case TEXT -> Normalizer.text(raw);
                case SQL -> Normalizer.sql(form(Transform.TEXT));
                case CMD -> Normalizer.cmd(form(Transform.TEXT));
                case COMPACT -> Normalizer.compact(form(Transform.TEXT));
                case PATH -> Normalizer.path(form(Transform.TEXT));
                case BASE64 -> {
                    String decoded = Normalizer.base64(raw);
                    yield decoded == null || decoded.isEmpty() ? null : decoded;
                }
            };
            built[slot] = true;
        }
        return forms[slot];
    }

    /** Whether the form has been built for the current value (tests). */
    boolean isBuilt(Transform transform) {
        return built[transform.ordinal()];
    }

    /**
     * The prefilter's scan of the value in the given form (see {@link RulePrefilter#scan}), {@code null} when
     * the form does not apply. Forms that are the same string share one scan.
     */
    long[] hits(Transform transform) {
        int slot = transform.ordinal();
        if (hits[slot] == null) {
            String form = form(transform);
            if (form == null) {
                return null;
            }
            for (int other = 0; other < TRANSFORMS.length; other++) {
                if (hits[other] != null && forms[other] == form) {
                    hits[slot] = hits[other];
                    return hits[slot];
                }
            }
            hits[slot] = prefilter.scan(form);
        }
        return hits[slot];
    }
}
