package io.portcullis.chain;

/**
 * Where a request came from, after trusted-proxy processing.
 *
 * @param address the client's IP address (the right-most untrusted hop)
 * @param forwardedFor the {@code X-Forwarded-For} value to send upstream
 * @param proto the scheme the client used
 * @param host the host the client asked for
 */
public record ClientAddress(String address, String forwardedFor, String proto, String host) {}
