/**
 * JWT authentication at the edge: verification, the verified-token cache and revocation. Everything
 * shared between gateway nodes is reached through the store interfaces here, so filters need no Redis.
 */
package io.portcullis.jwt;
