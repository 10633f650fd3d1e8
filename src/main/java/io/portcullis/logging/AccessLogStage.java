package io.portcullis.logging;

import io.portcullis.chain.ClientAddress;
import io.portcullis.chain.ClientAddressResolver;
import io.portcullis.chain.Identity;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.RequestObserver;
import io.portcullis.chain.Route;
import io.portcullis.chain.Stage;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The first stage ({@link io.portcullis.chain.FilterStage#ACCESS_LOG}): gives every request its id (echoed in {@code X-Request-Id}), resolves the client address,
 * and writes one access-log line when the request completes — from an {@link AsyncListener} when the
 * request went async. Rejected requests are logged like any other. The same completion tells the
 * {@link RequestObserver}s (the metrics), so every consumer of "a request finished" sees the same status and
 * duration. Thread-safe.
 */
public final class AccessLogStage implements Stage {
    /** The logger of the access log, so operators can route it to its own appender. */
    public static final String LOGGER_NAME = "portcullis.access";

    private static final Logger ACCESS = LoggerFactory.getLogger(LOGGER_NAME);
    private static final Logger LOG = LoggerFactory.getLogger(AccessLogStage.class);
    private static final int MAX_LOGGED_PATH = 512;

    private final ClientAddressResolver clients;
    private final HeaderRedactor redactor;
    private final List<RequestObserver> observers;

    public AccessLogStage(ClientAddressResolver clients, HeaderRedactor redactor) {
        this(clients, redactor, List.of());
    }

    /** @param observers told about each request when it completes, in this order, before it is logged */
    public AccessLogStage(ClientAddressResolver clients, HeaderRedactor redactor, List<RequestObserver> observers) {
        this.clients = clients;
        this.redactor = redactor;
        this.observers = List.copyOf(observers);
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        String requestId = RequestIds.accept(request.getHeader(RequestIds.HEADER));
        RequestAttributes.START_NANOS.set(request, start);
        RequestAttributes.REQUEST_ID.set(request, requestId);
        RequestAttributes.CLIENT.set(request, clients.resolve(request));
        response.setHeader(RequestIds.HEADER, requestId);
        if (LOG.isDebugEnabled()) {
            LOG.debug("request {} headers {}", requestId, redactor.render(request));
        }
        boolean completed = false;
        try {
            chain.doFilter(request, response);
            completed = true;
        } finally {
            if (completed && request.isAsyncStarted()) {
                request.getAsyncContext().addListener(new CompletionListener(request, response, this));
            } else {
                complete(request, completed ? response.getStatus() : 500);
            }
        }
    }

    private void complete(HttpServletRequest request, int status) {
        long started = RequestAttributes.START_NANOS.get(request).orElse(System.nanoTime());
        long nanos = System.nanoTime() - started;
        for (RequestObserver observer : observers) {
            try {
                observer.onComplete(request, status, nanos);
            } catch (RuntimeException e) {
                LOG.warn("request observer {} failed: {}", observer.getClass().getSimpleName(), e.toString());
            }
        }
        log(request, status, nanos);
    }

    private static void log(HttpServletRequest request, int status, long nanos) {
        if (!ACCESS.isInfoEnabled()) {
            return;
        }
        double millis = nanos / (double) TimeUnit.MILLISECONDS.toNanos(1);
        String path = request.getRequestURI();
        if (path.length() > MAX_LOGGED_PATH) {
            path = path.substring(0, MAX_LOGGED_PATH) + "…";
        }
        Identity identity = RequestAttributes.identity(request);
        LoggingEventBuilder event = ACCESS.atInfo()
                .addKeyValue(
                        "request_id", RequestAttributes.REQUEST_ID.get(request).orElse("-"))
                .addKeyValue("method", request.getMethod())
                .addKeyValue("path", path)
                .addKeyValue("status", status)
                .addKeyValue("duration_ms", Math.round(millis * 10) / 10.0)
                .addKeyValue(
                        "client",
                        RequestAttributes.CLIENT
                                .get(request)
                                .map(ClientAddress::address)
                                .orElse(request.getRemoteAddr()))
                .addKeyValue(
                        "route",
                        RequestAttributes.ROUTE.get(request).map(Route::id).orElse("-"))
                .addKeyValue("auth", identity.method().wireValue());
        identity.userId().ifPresent(user -> event.addKeyValue("user", user));
        identity.clientId().ifPresent(client -> event.addKeyValue("client_id", client));
        RequestAttributes.UPSTREAM.get(request).ifPresent(upstream -> event.addKeyValue("upstream", upstream));
        RequestAttributes.PROBLEM.get(request).ifPresent(problem -> event.addKeyValue("problem", problem));
        event.log("{} {} {} {}ms", request.getMethod(), path, status, Math.round(millis));
    }

    private static final class CompletionListener implements AsyncListener {
        private final HttpServletRequest request;
        private final HttpServletResponse response;
        private final AccessLogStage filter;

        CompletionListener(HttpServletRequest request, HttpServletResponse response, AccessLogStage filter) {
            this.request = request;
            this.response = response;
            this.filter = filter;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            filter.complete(request, response.getStatus());
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            // onComplete follows and logs the final status.
        }

        @Override
        public void onError(AsyncEvent event) {
            // onComplete follows and logs the final status.
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            event.getAsyncContext().addListener(this);
        }
    }
}
