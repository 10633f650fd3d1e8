package io.portcullis.jwt;

import java.io.IOException;
import java.net.URI;

/**
 * Where one trusted issuer's JWK Set is read from: its configured {@code jwks-uri} ({@link #fixed}), or the
 * {@code jwks_uri} its discovery document names ({@link OidcDiscovery}). Implementations are thread-safe.
 */
interface KeySetLocation {

    /**
     * The issuer's JWK Set document.
     *
     * @throws UntrustedDocumentException when the provider answered with a document the gateway must not trust
     * @throws IOException when the provider cannot be reached or does not answer in time
     */
    String fetch() throws IOException;

    /** For log lines: where the keys come from. */
    String describe();

    /** The JWK Set at a configured URI. */
    static KeySetLocation fixed(URI jwksUri, JwksSource source) {
        return new KeySetLocation() {
            @Override
            public String fetch() throws IOException {
                return source.fetch(jwksUri);
            }

            @Override
            public String describe() {
                return jwksUri.toString();
            }
        };
    }

    /**
     * The provider answered, but with a document that cannot be trusted (its {@code issuer} is another, its
     * {@code jwks_uri} is missing or not allowed). Unlike a provider that is down, this is an answer: the issuer's
     * tokens are refused (401), not deferred (503). Made without a stack trace.
     */
    final class UntrustedDocumentException extends IOException {
        private static final long serialVersionUID = 1L;

        UntrustedDocumentException(String message) {
            super(message, null);
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }
}
