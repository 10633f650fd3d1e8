/**
 * Client identification by API key: {@link io.portcullis.apikey.ApiKeyStage} (the API_KEY stage) sorts callers into
 * anonymous, identified and invalid. Keys are known only by their SHA-256 hash, kept in the configuration or
 * through {@link io.portcullis.apikey.ApiKeyStore}, so a revocation takes effect on every node at once.
 */
package io.portcullis.apikey;
