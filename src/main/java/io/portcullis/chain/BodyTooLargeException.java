package io.portcullis.chain;

import java.io.IOException;

/**
 * Thrown by a request body stream when the body grows past its limit while it is being read (a chunked body,
 * or one without a length): whoever is reading it, the proxy passing it upstream or an endpoint, stops there,
 * and the client is answered 413 when the response has not started. Made without a stack trace: it is an
 * expected rejection, not a fault.
 */
public final class BodyTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final long limit;

    public BodyTooLargeException(long limit) {
        super("the request body exceeds " + limit + " bytes");
        this.limit = limit;
    }

    /** The limit, in bytes, that the body went past. */
    public long limit() {
        return limit;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
