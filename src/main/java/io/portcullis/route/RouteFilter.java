package io.portcullis.route;

import io.portcullis.chain.GatewayFilter;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;

/**
 * Stage 2: resolves the request's path (decoded and normalised by the container) to a route and stores
 * it for the later stages, or answers 404 {@code No route}. Thread-safe.
 */
public final class RouteFilter extends GatewayFilter {
    private final RouteTable table;

    public RouteFilter(RouteTable table) {
        this.table = table;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        Optional<Route> route = table.resolve(path(request));
        if (route.isEmpty()) {
            ProblemWriter.write(request, response, ProblemType.NO_ROUTE, "No route matches this path.");
            return;
        }
        RequestAttributes.ROUTE.set(request, route.get());
        chain.doFilter(request, response);
    }

    /** The request path inside the context, decoded and normalised by the container. */
    public static String path(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }
}
