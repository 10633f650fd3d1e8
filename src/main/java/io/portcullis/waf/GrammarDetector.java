package io.portcullis.waf;

import java.util.EnumSet;
import java.util.Set;

/**
 * The detectors that judge a value by the grammar of the interpreter it would reach, as rules of the anomaly
 * score: a hit is structural evidence and scores {@code critical} on its own. Each counts once per request and
 * can be excluded by family or id like any rule. Run at every paranoia level.
 */
enum GrammarDetector {
    /** SQL tokenized in the three quoting contexts; see {@link SqlInjectionDetector}. */
    SQLI(
            942001,
            "sqli",
            Transform.TEXT,
            EnumSet.of(TargetKind.ARGS, TargetKind.ARGS_NAMES, TargetKind.BODY, TargetKind.COOKIES),
            "SQL injection: the value leaves its string or number context and continues as SQL"),
    /** HTML tag, attribute and URL contexts; see {@link HtmlInjectionDetector}. */
    XSS(
            941001,
            "xss",
            Transform.TEXT,
            EnumSet.of(TargetKind.ARGS, TargetKind.ARGS_NAMES, TargetKind.BODY, TargetKind.COOKIES, TargetKind.FILES),
            "cross-site scripting: the value makes a tag, attribute or URL that runs script"),
    /** Shell words after separators and in substitutions; see {@link ShellInjectionDetector}. */
    SHELL(
            932001,
            "rce",
            Transform.CMD,
            EnumSet.of(TargetKind.ARGS, TargetKind.BODY, TargetKind.COOKIES, TargetKind.FILES),
            "command injection: a known program starts a command inside the value");

    private final int id;
    private final String family;
    private final Transform transform;
    private final Set<TargetKind> kinds;
    private final String message;

    GrammarDetector(int id, String family, Transform transform, Set<TargetKind> kinds, String message) {
        this.id = id;
        this.family = family;
        this.transform = transform;
        this.kinds = kinds;
        this.message = message;
    }

    int id() {
        return id;
    }

    String family() {
        return family;
    }

    Transform transform() {
        return transform;
    }

    String message() {
        return message;
    }

    boolean inspects(TargetKind kind) {
        return kinds.contains(kind);
    }

    /** What a hit adds to the score. */
    int score() {
        return Severity.CRITICAL.score();
    }

    /**
     * Judges one value.
     *
     * @param form  the value in {@link #transform()} form, with quoted passages blanked when it is prose
     * @param prose whether the value reads as prose
     */
    boolean detect(String form, boolean prose) {
        return switch (this) {
            case SQLI -> SqlInjectionDetector.detect(form);
            case XSS -> HtmlInjectionDetector.detect(form);
            case SHELL -> ShellInjectionDetector.detect(form, prose);
        };
    }

    /**
     * Judges one target: its {@link #transform()} form, with quoted passages blanked when {@code kind} is
     * prose (the shell detector also reads the {@code text} form for cmd.exe statements, whose quotes matter).
     */
    boolean detect(TargetForms forms, TextContext.Kind kind) {
        return detect(forms, kind, true);
    }

    /**
     * Whether the value could hold what this detector looks for ({@link DetectorGate}, on the {@code text}
     * form): when not, the detector's answer is no, without building its form.
     */
    boolean mayDetect(String text) {
        return switch (this) {
            case SQLI -> DetectorGate.sql(text);
            case XSS -> DetectorGate.html(text);
            case SHELL -> DetectorGate.shell(text);
        };
    }

    /** As {@link #detect(TargetForms, TextContext.Kind)}; {@code gated} false runs the detector on every value (tests). */
    boolean detect(TargetForms forms, TextContext.Kind kind, boolean gated) {
        if (gated) {
            String text = forms.form(Transform.TEXT);
            if (text == null || !mayDetect(text)) {
                return false;
            }
        }
        String form = forms.form(transform);
        if (form == null || form.isEmpty()) {
            return false;
        }
        boolean prose = kind != TextContext.Kind.BARE;
        if (kind == TextContext.Kind.PROSE) {
            form = TextContext.blankQuoted(form);
        }
        if (this == SHELL
                && (!gated || DetectorGate.batch(forms.form(Transform.TEXT)))
                && ShellInjectionDetector.batchStatement(forms.form(Transform.TEXT))) {
            return true;
        }
        return detect(form, prose);
    }
}
