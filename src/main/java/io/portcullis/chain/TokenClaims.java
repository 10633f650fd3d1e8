package io.portcullis.chain;

import java.util.Map;
import java.util.Optional;

/**
 * The string claims of the request's verified access token, {@code sub} among them, as the JWT stage
 * accepted it: what key templates such as {@code cart:{sub}} are filled from. Immutable.
 *
 * @param values claim name → value; only top-level claims whose value is a string
 */
public record TokenClaims(Map<String, String> values) {

    public TokenClaims {
        values = Map.copyOf(values);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }
}
