package io.portcullis.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;

import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class AdminAuditTest {

    @Test
    void recordWhenCalledThenOneLineWithWhoWhatWhomRequestAndOutcome() {
        Logger log = mock(Logger.class);
        new AdminAudit(log).record("admin-1", "user.disable", "u-2", "req-9", 200);
        verify(log)
                .info(
                        "[audit] actor={} action={} target={} request_id={} outcome={} status={}",
                        "admin-1",
                        "user.disable",
                        "u-2",
                        "req-9",
                        "ok",
                        200);
    }

    @Test
    void cleanWhenValueCouldForgeALineThenReplaced() {
        assertEquals("a?action??x", AdminAudit.clean("a action=\nx"));
        assertEquals("a??b?c??", AdminAudit.clean("a\n\"b=c\\\u00e9"));
        assertEquals("-", AdminAudit.clean(""));
        assertEquals("-", AdminAudit.clean(null));
        assertEquals(128, AdminAudit.clean("x".repeat(1000)).length());
    }

    @Test
    void outcomeWhenStatusThenWord() {
        assertEquals("ok", AdminAudit.outcome(204));
        assertEquals("denied", AdminAudit.outcome(401));
        assertEquals("denied", AdminAudit.outcome(403));
        assertEquals("refused", AdminAudit.outcome(409));
        assertEquals("failed", AdminAudit.outcome(503));
    }
}
