/**
 * Cross-origin resource sharing at the edge: each route's CORS policy (its own {@code cors} or
 * {@code gateway.cors}), preflight requests answered right after route resolution, before the WAF, authentication
 * and rate limiting, and the allow headers on every answer to an allowed origin, problem responses included.
 * Upstreams cannot widen a policy: their own {@code Access-Control-*} headers are dropped on CORS routes.
 */
package io.portcullis.cors;
