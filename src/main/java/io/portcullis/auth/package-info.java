/**
 * The embedded auth service: users, refresh sessions and token issuing. Users and sessions are kept
 * through the store interfaces here, implemented in memory or in Redis by {@code io.portcullis.store}.
 */
package io.portcullis.auth;
