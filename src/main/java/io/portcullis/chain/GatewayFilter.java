package io.portcullis.chain;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Base of every gateway stage. Casts to HTTP, ignores ASYNC and ERROR re-dispatches (a stage runs once
 * per request), asks {@link #shouldNotFilter}, then calls {@link #doFilterInternal}. A subclass either
 * calls the chain exactly once or writes a problem response and returns. Subclasses are thread-safe:
 * collaborators arrive through the constructor, request state travels in {@link RequestAttributes}.
 */
public abstract class GatewayFilter implements Filter {

    @Override
    public final void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http) || !(response instanceof HttpServletResponse httpResponse)
                || request.getDispatcherType() == DispatcherType.ASYNC
                || request.getDispatcherType() == DispatcherType.ERROR
                || shouldNotFilter(http)) {
            chain.doFilter(request, response);
            return;
        }
        doFilterInternal(http, httpResponse, chain);
    }

    /** True when this stage has nothing to do for the request; the chain then continues untouched. */
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return false;
    }

    protected abstract void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException;
}
