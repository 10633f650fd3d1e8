/**
 * The embedded auth service: registration, login, refresh-token rotation, logout, revocation,
 * introspection and API-key issuance, with users held in memory, in Redis or by the container's realm.
 */
package io.portcullis.auth;
