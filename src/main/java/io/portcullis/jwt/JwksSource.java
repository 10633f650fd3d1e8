package io.portcullis.jwt;

import java.io.IOException;
import java.net.URI;

/**
 * Where a trusted issuer's JWK Set (and its discovery document) comes from. The gateway's implementation is
 * {@link HttpJwksSource}; tests pass their own. Implementations are thread-safe.
 */
@FunctionalInterface
public interface JwksSource {

    /**
     * The JWK Set document at {@code jwksUri}.
     *
     * @throws IOException when the provider cannot be reached or does not answer 200 with a bounded body
     */
    String fetch(URI jwksUri) throws IOException;
}
