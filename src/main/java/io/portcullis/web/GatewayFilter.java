package io.portcullis.web;

import io.portcullis.chain.FilterStage;
import io.portcullis.chain.MissingAttributeException;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Stage;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one filter of the gateway, registered in web.xml as {@value #NAME}: runs every {@link Stage} in the order
 * {@link FilterStage} declares, then the rest of the container's chain (the gateway servlet, or an embedding web
 * application's own servlet) — as Spring Security's {@code FilterChainProxy} runs its filters. ASYNC and ERROR
 * re-dispatches pass straight through: a stage runs once per request. The stage that answers a request itself
 * with a problem is recorded in {@link RequestAttributes#REJECTED_BY}. A stage that needs an attribute an earlier
 * stage sets and does not find it ({@link MissingAttributeException}) gets the request answered 500 and an
 * ERROR log line naming the stage and the attribute. Thread-safe.
 */
public final class GatewayFilter implements Filter {
    /** The {@code <filter-name>} web.xml declares, without a class: the context listener supplies this filter. */
    public static final String NAME = "portcullis";

    private static final Logger LOG = LoggerFactory.getLogger(GatewayFilter.class);

    private final List<FilterStage> order;
    private final List<Stage> stages;

    /** @param stages one stage for every {@link FilterStage} constant */
    public GatewayFilter(Map<FilterStage, ? extends Stage> stages) {
        Map<FilterStage, Stage> sorted = new EnumMap<>(FilterStage.class);
        sorted.putAll(stages);
        List<FilterStage> missing = new ArrayList<>();
        for (FilterStage stage : FilterStage.values()) {
            if (sorted.get(stage) == null) {
                missing.add(stage);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("no stage was given for " + missing);
        }
        this.order = List.copyOf(sorted.keySet());
        this.stages = List.copyOf(sorted.values());
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (!(request instanceof HttpServletRequest http)
                || !(response instanceof HttpServletResponse httpResponse)
                || isRedispatch(request)) {
            chain.doFilter(request, response);
            return;
        }
        new Remaining(0, chain).doFilter(http, httpResponse);
    }

    /** ASYNC and ERROR dispatches of a request the stages already saw. */
    static boolean isRedispatch(ServletRequest request) {
        return request.getDispatcherType() == DispatcherType.ASYNC
                || request.getDispatcherType() == DispatcherType.ERROR;
    }

    /** The stages from {@code index} on, then the container's chain. */
    private final class Remaining implements FilterChain {
        private final int index;
        private final FilterChain container;

        Remaining(int index, FilterChain container) {
            this.index = index;
            this.container = container;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
            if (index == stages.size()) {
                container.doFilter(request, response);
                return;
            }
            run(
                    order.get(index),
                    stages.get(index),
                    (HttpServletRequest) request,
                    (HttpServletResponse) response,
                    new Remaining(index + 1, container));
        }
    }

    /**
     * Runs one stage: records it as the request's current stage, and when it answers the request itself, that it
     * did; a missing attribute of an earlier stage is answered 500 here, unless it came from after the stage.
     */
    static void run(
            FilterStage stage,
            Stage handler,
            HttpServletRequest request,
            HttpServletResponse response,
            FilterChain next)
            throws IOException, ServletException {
        RequestAttributes.STAGE.set(request, stage);
        Passed passed = new Passed(next);
        try {
            handler.handle(request, response, passed);
        } catch (MissingAttributeException e) {
            if (passed.called || response.isCommitted()) {
                throw e;
            }
            refuse(
                    stage,
                    request,
                    response,
                    "needs the request attribute " + e.attribute()
                            + ", which an earlier stage sets, and it is not set");
            return;
        }
        if (!passed.called
                && RequestAttributes.PROBLEM.get(request).isPresent()
                && RequestAttributes.REJECTED_BY.get(request).isEmpty()) {
            RequestAttributes.REJECTED_BY.set(request, stage);
        }
    }

    /** Answers 500: the stages cannot run as declared, so none of them may be skipped silently. */
    static void refuse(FilterStage stage, HttpServletRequest request, HttpServletResponse response, String why)
            throws IOException {
        LOG.error(
                "request {}: stage {} {}: the stages are not running in the order FilterStage declares; the "
                        + "request is refused",
                RequestAttributes.REQUEST_ID.get(request).orElse("-"),
                stage.filterName(),
                why);
        ProblemWriter.write(
                request,
                response,
                ProblemType.INTERNAL_ERROR,
                "The gateway could not complete the request; the log has the details under this request id.");
        RequestAttributes.REJECTED_BY.set(request, stage);
    }

    /** The rest of the chain, noting whether the stage called it. */
    private static final class Passed implements FilterChain {
        private final FilterChain next;
        private boolean called;

        Passed(FilterChain next) {
            this.next = next;
        }

        @Override
        public void doFilter(ServletRequest request, ServletResponse response) throws IOException, ServletException {
            called = true;
            next.doFilter(request, response);
        }
    }
}
