/**
 * JWT authentication at the edge: the key ring, verification in named steps, the verified-token cache and
 * revocation. Shared state is reached through the store interfaces here, so the filter needs no Redis.
 */
package io.portcullis.jwt;
