/**
 * JWT verification at the edge: the signing and verification keys, the verification steps, and what the
 * JWT stage needs from shared state. A token is accepted only when every named step passes.
 */
package io.portcullis.jwt;
