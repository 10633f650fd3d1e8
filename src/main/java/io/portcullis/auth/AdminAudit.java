package io.portcullis.auth;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit trail of the admin API: one line per admin request, on the logger {@value #LOGGER} at INFO, starting
 * {@code [audit]}, with who acted (the caller's token subject, {@code -} before one was verified), what (the
 * action), on whom (the target user id, {@code -} for a listing), the request id and the outcome (the HTTP
 * status and a word: {@code ok}, {@code denied} for 401/403, {@code refused} for another 4xx, {@code failed}).
 * Values are reduced to printable ASCII without spaces, so a line cannot be forged. Thread-safe.
 */
final class AdminAudit {
    /** The logger an operator routes to the audit sink. */
    static final String LOGGER = "portcullis.audit";

    private static final int MAX_VALUE = 128;

    private final Logger log;

    AdminAudit() {
        this(LoggerFactory.getLogger(LOGGER));
    }

    AdminAudit(Logger log) {
        this.log = log;
    }

    void record(String actor, String action, String target, String requestId, int status) {
        log.info(
                "[audit] actor={} action={} target={} request_id={} outcome={} status={}",
                clean(actor),
                clean(action),
                clean(target),
                clean(requestId),
                outcome(status),
                status);
    }

    static String outcome(int status) {
        if (status < 400) {
            return "ok";
        }
        if (status == 401 || status == 403) {
            return "denied";
        }
        return status < 500 ? "refused" : "failed";
    }

    /** Printable ASCII without spaces, quotes, '=' or backslashes, at most {@value #MAX_VALUE} characters. */
    static String clean(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_VALUE));
        for (int i = 0; i < value.length() && out.length() < MAX_VALUE; i++) {
            char c = value.charAt(i);
            out.append(c > 0x20 && c < 0x7f && c != '"' && c != '\\' && c != '=' ? c : '?');
        }
        return out.toString();
    }
}
