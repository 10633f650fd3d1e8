package io.portcullis.web;

import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.logging.RequestIds;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one servlet mapped in web.xml: hands each request that passed every stage to its route's handler,
 * and answers the container's error dispatches (its own 400/404/405/500, exceptions) as problem+json so
 * that no HTML error page or stack trace ever reaches a client. Thread-safe.
 */
public final class GatewayServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GatewayServlet.class);

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        if (request.getDispatcherType() == DispatcherType.ERROR || isErrorPageInclude(request)) {
            answerError(request, response);
            return;
        }
        Optional<Route> route = RequestAttributes.ROUTE.get(request);
        if (route.isEmpty()) {
            ProblemWriter.write(request, response, ProblemType.NO_ROUTE, "No route matches this path.");
            return;
        }
        route.get().handler().handle(request, response);
    }

    /**
     * Tomcat includes the error page, instead of forwarding to it, when the failed response is already
     * committed: that include must not run the route again.
     */
    private static boolean isErrorPageInclude(HttpServletRequest request) {
        return request.getDispatcherType() == DispatcherType.INCLUDE
                && request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) != null;
    }

    private static void answerError(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            // Part of another answer is out: nothing can be added, and the container closes the connection.
            LOG.debug(
                    "request {} failed after its response started: {}",
                    RequestAttributes.REQUEST_ID.get(request).orElse("-"),
                    request.getAttribute(RequestDispatcher.ERROR_EXCEPTION));
            return;
        }
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        int status = code instanceof Integer value ? value : 500;
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        String requestId = RequestAttributes.REQUEST_ID.get(request).orElseGet(RequestIds::generate);
        RequestAttributes.REQUEST_ID.set(request, requestId);
        if (failure instanceof Throwable throwable) {
            if (status >= 400 && status < 500) {
                // The container's own refusal carried as an exception (Jetty's HttpException for an ambiguous path).
                LOG.debug("request {} refused by the container ({}): {}", requestId, status, throwable.toString());
            } else {
                LOG.error("request {} failed", requestId, throwable);
                status = 500;
            }
        }
        ProblemType type = ProblemType.forStatus(status);
        response.setHeader(RequestIds.HEADER, requestId);
        ProblemWriter.write(
                request,
                response,
                type,
                status >= 500
                        ? "The gateway could not complete the request; the log has the details under this request id."
                        : "The request could not be handled (" + status + ").");
    }
}
