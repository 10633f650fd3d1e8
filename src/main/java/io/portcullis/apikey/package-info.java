/**
 * Client identification by API key. Keys are known only by their SHA-256 hash, kept through
 * {@link io.portcullis.apikey.ApiKeyStore} so a revocation takes effect on every node at once.
 */
package io.portcullis.apikey;
