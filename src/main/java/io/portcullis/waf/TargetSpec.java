package io.portcullis.waf;

import java.util.Optional;

/**
 * What a rule inspects: a kind of target, optionally narrowed to one name ({@code HEADERS:User-Agent}).
 *
 * @param kind the kind of target
 * @param key  the header, argument or cookie name it is narrowed to, compared case-insensitively
 */
public record TargetSpec(TargetKind kind, Optional<String> key) {

    /** Parses {@code KIND} or {@code KIND:name}; empty when the kind is unknown. */
    public static Optional<TargetSpec> parse(String spec) {
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec.strip() : spec.substring(0, colon).strip();
        Optional<String> key = colon < 0 || spec.substring(colon + 1).isBlank()
                ? Optional.empty()
                : Optional.of(spec.substring(colon + 1).strip());
        return TargetKind.named(kind).map(k -> new TargetSpec(k, key));
    }

    public boolean selects(Target target) {
        return target.kind() == kind && (key.isEmpty() || key.get().equalsIgnoreCase(target.key()));
    }

    @Override
    public String toString() {
        return key.map(k -> kind + ":" + k).orElse(kind.name());
    }
}
