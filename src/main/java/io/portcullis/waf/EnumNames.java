package io.portcullis.waf;

import java.util.Locale;
import java.util.Optional;

/** Looks up the rule-file spelling of an enum constant: any case, {@code -} for {@code _}. Stateless. */
final class EnumNames {
    private EnumNames() {}

    static <E extends Enum<E>> Optional<E> named(Class<E> type, String name) {
        String wanted = name.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(wanted)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }
}
