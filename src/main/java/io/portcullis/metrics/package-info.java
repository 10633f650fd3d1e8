/**
 * Prometheus metrics through Micrometer: the registry the gateway's parts record into, the per-request
 * meters recorded when each request completes, and {@code GET /metrics}. Every label value is bounded
 * (route ids, stage names, problem types, status codes), never a raw path or caller.
 */
package io.portcullis.metrics;
