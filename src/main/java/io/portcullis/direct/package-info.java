/**
 * Direct routes: requests answered from the application's own Redis keys after every stage has let them
 * through, never proxied. The key comes from the route's template filled with the caller's verified claims
 * and named path segments; the store behind it is an interface with Redis and in-memory implementations.
 */
package io.portcullis.direct;
