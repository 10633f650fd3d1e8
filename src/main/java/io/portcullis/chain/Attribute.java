package io.portcullis.chain;

import jakarta.servlet.ServletRequest;
import java.util.Optional;

/**
 * A typed request attribute. Instances are constants in {@link RequestAttributes}.
 *
 * @param <T> the value's type
 */
public final class Attribute<T> {
    private final String name;
    private final Class<T> type;

    Attribute(String name, Class<T> type) {
        this.name = name;
        this.type = type;
    }

    public String name() {
        return name;
    }

    public Optional<T> get(ServletRequest request) {
        Object value = request.getAttribute(name);
        return type.isInstance(value) ? Optional.of(type.cast(value)) : Optional.empty();
    }

    /**
     * The value, which an earlier stage must have set.
     *
     * @throws MissingAttributeException when it is not set: that stage has not run
     */
    public T require(ServletRequest request) {
        return get(request).orElseThrow(() -> new MissingAttributeException(name));
    }

    public void set(ServletRequest request, T value) {
        request.setAttribute(name, value);
    }
}
