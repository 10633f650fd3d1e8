package io.portcullis.chain;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Told about every request once, when it completes (after its response status is final, also for requests
 * that went async or that a stage rejected), by the access-log stage. Implementations are thread-safe, fast
 * and never throw: they run on the request's completion path.
 */
@FunctionalInterface
public interface RequestObserver {

    /**
     * @param request the completed request, its {@link RequestAttributes} as the stages left them
     * @param status the response status sent
     * @param durationNanos the time from arrival to completion
     */
    void onComplete(HttpServletRequest request, int status, long durationNanos);
}
