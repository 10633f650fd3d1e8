package io.portcullis.waf;

/**
 * One value taken from a request for inspection.
 *
 * @param kind  which part of the request it came from
 * @param key   the name rules can select on (a header, argument or cookie name; empty for the path and body)
 * @param label how the log names it: {@code ARGS:q}, {@code JSON:user.name}, {@code REQUEST_HEADERS:User-Agent}
 * @param value the value as received (after the transport decoding of its container: form or JSON)
 */
public record Target(TargetKind kind, String key, String label, String value) {}
