package io.portcullis.route;

import io.portcullis.chain.CanonicalPath;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.chain.Stage;
import io.portcullis.cors.CorsHandler;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The route stage ({@link io.portcullis.chain.FilterStage#ROUTE}): decides the request's one {@link CanonicalPath} from the request URI as sent, resolves it to a
 * route and stores both for the later stages. Answers 400 {@code Bad request path} when the path cannot be
 * forwarded unambiguously: {@link CanonicalPath#parse} refuses it, it has path parameters on a route that does
 * not accept them, or a {@code ..} segment climbed above the prefix of the route it lands on
 * ({@code /api/public/../admin} for the route {@code /api/admin}), or a looser reading of the path (without
 * case, trailing dots or spaces, after Unicode NFKC; see {@link LooseReading}) lands under a more specific
 * route than the one it matched ({@code /api/ADMIN} when {@code /api/admin} is a route); 400 {@code Bad
 * Request} when the query string cannot be forwarded as sent (not a valid URI query). Answers 404
 * {@code No route} when no route matches. The container's own decoding (servlet path, path info) is not used: Tomcat and Jetty differ in it.
 * Then the route's CORS policy applies ({@link CorsHandler}): a preflight is answered here, before the WAF,
 * authentication and rate limiting. Thread-safe.
 */
public final class RouteStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(RouteStage.class);

    private final RouteTable table;
    private final CorsHandler cors;

    public RouteStage(RouteTable table) {
        this(table, CorsHandler.NONE);
    }

    public RouteStage(RouteTable table, CorsHandler cors) {
        this.table = table;
        this.cors = cors;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        CanonicalPath.Decision decision = uri.startsWith(context)
                ? CanonicalPath.parse(uri.substring(context.length()))
                : new CanonicalPath.Refused("the context path is spelled differently from the container's");
        if (decision instanceof CanonicalPath.Refused refused) {
            refuse(request, response, refused.reason());
            return;
        }
        CanonicalPath path = ((CanonicalPath.Accepted) decision).path();
        if (!isForwardableQuery(request.getQueryString())) {
            ProblemWriter.write(
                    request,
                    response,
                    ProblemType.BAD_REQUEST,
                    "The query string is not a valid URI query (a % not followed by two hexadecimal digits, a space "
                            + "or a control character), so it cannot be forwarded with one meaning.");
            return;
        }
        Optional<Route> route = table.resolve(path.path());
        if (route.isEmpty()) {
            ProblemWriter.write(request, response, ProblemType.NO_ROUTE, "No route matches this path.");
            return;
        }
        if (!route.get().isEndpoint() && table.looselyReachesBeyond(path.path(), route.get())) {
            refuse(
                    request,
                    response,
                    "read without case, trailing dots or spaces, or Unicode compatibility forms, "
                            + "the path lies under a more specific route");
            return;
        }
        if (path.hasParameters() && !route.get().allowsPathParameters()) {
            refuse(request, response, "path parameters (;) on a route that does not accept them");
            return;
        }
        if (path.climbsAbove(CanonicalPath.depth(route.get().prefix()))) {
            refuse(request, response, "a .. segment climbs above the route's prefix");
            return;
        }
        RequestAttributes.PATH.set(request, path);
        RequestAttributes.ROUTE.set(request, route.get());
        cors.doFilter(request, response, route.get().id(), route.get().isEndpoint(), chain);
    }

    /**
     * Whether the query can be forwarded with the meaning it has: every {@code %} starts an escape of two
     * hexadecimal digits. A malformed escape ({@code %zz}, a trailing {@code %}) has no one reading (servlet
     * containers and frameworks differ on it), so it is refused; characters a URI may not carry raw
     * ({@code | { } < > " ^ `}, which Tomcat's shipped connector lets through) are percent-encoded when the
     * proxy forwards the query, and the WAF still reads them as sent.
     */
    static boolean isForwardableQuery(String query) {
        if (query == null) {
            return true;
        }
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c < 0x20 || c == 0x7f || c == ' ') {
                return false;
            }
            if (c == '%' && (i + 2 >= query.length() || !isHex(query.charAt(i + 1)) || !isHex(query.charAt(i + 2)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, String reason)
            throws IOException {
        LOG.debug(
                "request {}: path refused: {}",
                RequestAttributes.REQUEST_ID.get(request).orElse("-"),
                reason);
        ProblemWriter.write(
                request,
                response,
                ProblemType.AMBIGUOUS_PATH,
                "The request path cannot be forwarded unambiguously: " + reason + ".");
    }

    /**
     * The request's path inside the context as routed: the canonical path this stage decided, or, where the
     * stage did not run (an error dispatch), the container's servlet path and path info.
     */
    public static String path(HttpServletRequest request) {
        Optional<CanonicalPath> canonical = RequestAttributes.PATH.get(request);
        if (canonical.isPresent()) {
            return canonical.get().path();
        }
        String servletPath = request.getServletPath();
        String pathInfo = request.getPathInfo();
        String path = (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo);
        return path.isEmpty() ? "/" : path;
    }
}
