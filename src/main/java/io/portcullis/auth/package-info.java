/**
 * The embedded auth service: registration, login, refresh-token rotation, logout, revocation,
 * introspection and API-key issuance. Users and sessions live in memory, in Redis or in the container's realm.
 */
package io.portcullis.auth;
