package io.portcullis.web;

import io.portcullis.chain.FilterStage;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Stage;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * One stage as a filter of its own, for a web.xml that still declares the six stage filters by their
 * {@link FilterStage#filterName()} instead of the one {@link GatewayFilter}. The order is then the filter-mapping
 * order, which nothing else checks, so each of these verifies at run time that the stage just before it in
 * {@link FilterStage} ran on the request and the request was not already past this stage; otherwise the request is
 * answered 500 and an ERROR line names the stages. Behaves like {@link GatewayFilter} otherwise. Thread-safe.
 */
final class StageFilter implements Filter {
    private final FilterStage stage;
    private final Stage handler;

    StageFilter(FilterStage stage, Stage handler) {
        this.stage = stage;
        this.handler = handler;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http)
                || !(response instanceof HttpServletResponse httpResponse)
                || GatewayFilter.isRedispatch(request)) {
            chain.doFilter(request, response);
            return;
        }
        Optional<FilterStage> ran = RequestAttributes.STAGE.get(request);
        if (!ran.equals(stage.previous())) {
            GatewayFilter.refuse(
                    stage,
                    http,
                    httpResponse,
                    "ran after "
                            + ran.map(FilterStage::filterName).orElse("no stage") + " instead of after "
                            + stage.previous().map(FilterStage::filterName).orElse("no stage")
                            + " (web.xml maps the stage filters out of order, or leaves one out)");
            return;
        }
        GatewayFilter.run(stage, handler, http, httpResponse, chain);
    }
}
