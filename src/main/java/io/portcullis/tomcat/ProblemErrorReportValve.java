package io.portcullis.tomcat;

import io.portcullis.problem.ProblemType;
import java.io.IOException;
import java.io.Writer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

/**
 * Tomcat's error report for requests the gateway never sees (a malformed request line, header or URI
 * encoding, a header block over the connector's limit): {@code application/problem+json} in the
 * gateway's own catalogue, without Tomcat's message, server information or stack frames.
 *
 * <p>Tomcat's {@code JsonErrorReportValve} adds the parser's stack frames for such requests and has
 * no switch to leave them out. This valve is named by {@code errorReportValveClass} on the
 * {@code <Host>} of {@code tomcat-conf/server.xml} and lives in {@code $CATALINA_BASE/lib} as
 * {@code portcullis-tomcat.jar}, which holds only this class and {@link ProblemType}.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(true);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        try {
            response.setContentType("application/problem+json");
            response.setCharacterEncoding("UTF-8");
            response.setHeader("Cache-Control", "no-store");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body(status));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client is gone or the response was committed meanwhile: nothing left to tell it.
        }
    }

    /** The problem document for a status; every part is a constant of the catalogue, so nothing needs escaping. */
    static String body(int status) {
        ProblemType type = ProblemType.forStatus(status);
        String detail = status >= 500
                ? "The server could not handle the request."
                : "The server refused the request before the gateway could read it (" + status + ").";
        return "{\"type\":\"" + type.uri() + "\",\"title\":\"" + type.title() + "\",\"status\":" + status
                + ",\"detail\":\"" + detail + "\"}";
    }
}
