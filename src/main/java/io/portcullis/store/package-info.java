/**
 * The Redis (Lettuce) and in-memory implementations of the store interfaces, the Lua script loader and
 * the circuit breaker that keeps a Redis outage from stalling requests. {@link io.portcullis.store.Stores}
 * picks the implementations from the {@code redis:} configuration; Lettuce is imported nowhere else.
 */
package io.portcullis.store;
