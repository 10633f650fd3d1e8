package io.portcullis.cors;

import io.portcullis.chain.RequestAttributes;
import io.portcullis.config.CorsConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a route's CORS policy to a request, right after route resolution and before the WAF, authentication
 * and rate limiting. On a route with a policy:
 * <ul>
 *   <li>a preflight ({@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) is answered
 *       here and never goes further (not proxied, not counted): 204 with the allow headers when the origin, the
 *       method and every requested header are allowed, else 403 {@code cors-refused} without them;
 *   <li>a cross-origin request from an allowed origin with an allowed method goes on with
 *       {@code Access-Control-Allow-Origin}, {@code -Allow-Credentials} and {@code -Expose-Headers} already set,
 *       so that a 401, 403 or 429 of a later stage carries them too; one from another origin, or with another
 *       method, is refused with 403 {@code cors-refused} (as Spring's {@code DefaultCorsProcessor} does);
 *   <li>a same-origin request (its {@code Origin} is the gateway's own, by {@code Host} or
 *       {@code gateway.public-url}) or one without {@code Origin} goes on untouched.
 * </ul>
 * Every answer on such a route carries {@code Vary: Origin}, and the stages after this one and the upstream
 * cannot set {@code Access-Control-*} headers ({@link CorsResponse}). Routes without a policy are not touched.
 * Thread-safe.
 *
 * @see <a href="https://fetch.spec.whatwg.org/#http-cors-protocol">Fetch, the CORS protocol</a>
 */
public final class CorsHandler {
    /** No route has a policy. */
    public static final CorsHandler NONE = new CorsHandler(Map.of(), Map.of(), Optional.empty());

    private static final Logger LOG = LoggerFactory.getLogger(CorsHandler.class);
    private static final String PREFLIGHT_VARY =
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

    private final Map<String, CorsPolicy> routes;
    private final Map<String, CorsPolicy> endpoints;
    private final Optional<String> publicOrigin;

    /**
     * @param routes the policies of configured routes, by route id
     * @param endpoints the policies of the gateway's own endpoints, by endpoint id
     * @param publicOrigin the gateway's own public origin, whose requests are same-origin
     */
    CorsHandler(Map<String, CorsPolicy> routes, Map<String, CorsPolicy> endpoints, Optional<String> publicOrigin) {
        this.routes = Map.copyOf(routes);
        this.endpoints = Map.copyOf(endpoints);
        this.publicOrigin = publicOrigin;
    }

    /**
     * The policies of a configuration: each route's own, else {@code gateway.cors}; the auth service's endpoints
     * ({@code auth}) follow {@code gateway.cors}.
     */
    public static CorsHandler create(GatewayConfig config) {
        Map<String, CorsPolicy> routes = new HashMap<>();
        for (RouteConfig route : config.routes()) {
            route.cors().ifPresent(cors -> routes.put(route.id(), new CorsPolicy(cors)));
        }
        Map<String, CorsPolicy> endpoints = new HashMap<>();
        config.gateway().cors().ifPresent(cors -> endpoints.put("auth", new CorsPolicy(cors)));
        Optional<String> publicOrigin = config.gateway()
                .publicUrl()
                .flatMap(url -> CorsConfig.origin(url.getScheme() + "://" + url.getRawAuthority(), false));
        return new CorsHandler(routes, endpoints, publicOrigin);
    }

    /**
     * The policy in force on a route, if any.
     *
     * @param endpoint whether the route is one of the gateway's own endpoints rather than a configured route
     */
    public Optional<CorsPolicy> policy(String routeId, boolean endpoint) {
        return Optional.ofNullable(endpoint ? endpoints.get(routeId) : routes.get(routeId));
    }

    /**
     * Answers the request or calls {@code chain} exactly once, as the class comment says.
     *
     * @param routeId the id of the route the request resolved to
     * @param endpoint whether that route is one of the gateway's own endpoints
     */
    public void doFilter(
            HttpServletRequest request,
            HttpServletResponse response,
            String routeId,
            boolean endpoint,
            FilterChain chain)
            throws IOException, ServletException {
        Optional<CorsPolicy> found = policy(routeId, endpoint);
        if (found.isEmpty()) {
            chain.doFilter(request, response);
            return;
        }
        CorsPolicy policy = found.get();
        List<String> origins = Collections.list(request.getHeaders("Origin"));
        boolean preflight = "OPTIONS".equals(request.getMethod())
                && !origins.isEmpty()
                && request.getHeader("Access-Control-Request-Method") != null;
        if (preflight) {
            preflight(request, response, policy, origins);
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Vary", "Origin");
        if (!origins.isEmpty() && !isSameOrigin(request, origins)) {
            Optional<String> allowed = origins.size() == 1 ? policy.allowOrigin(origins.get(0)) : Optional.empty();
            if (allowed.isEmpty() || !policy.allowsMethod(request.getMethod())) {
                CorsResponse.apply(response, headers);
                refuse(request, response, allowed.isEmpty() ? "origin" : "method");
                return;
            }
            headers.put("Access-Control-Allow-Origin", allowed.get());
            if (policy.credentials()) {
                headers.put("Access-Control-Allow-Credentials", "true");
            }
            if (!policy.exposeHeaders().isEmpty()) {
                headers.put("Access-Control-Expose-Headers", policy.exposeHeaders());
            }
        }
        CorsResponse.apply(response, headers);
        chain.doFilter(request, new CorsResponse(response, headers));
    }

    private void preflight(
            HttpServletRequest request, HttpServletResponse response, CorsPolicy policy, List<String> origins)
            throws IOException {
        response.setHeader("Vary", PREFLIGHT_VARY);
        Optional<String> allowed = origins.size() == 1 ? policy.allowOrigin(origins.get(0)) : Optional.empty();
        if (allowed.isEmpty()) {
            refuse(request, response, "origin");
            return;
        }
        if (!policy.allowsMethod(
                request.getHeader("Access-Control-Request-Method").strip())) {
            refuse(request, response, "method");
            return;
        }
        Optional<List<String>> headers = policy.allowHeaders(
                String.join(",", Collections.list(request.getHeaders("Access-Control-Request-Headers"))));
        if (headers.isEmpty()) {
            refuse(request, response, "request headers");
            return;
        }
        response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        response.setHeader("Access-Control-Allow-Origin", allowed.get());
        response.setHeader("Access-Control-Allow-Methods", policy.allowMethods());
        if (!headers.get().isEmpty()) {
            response.setHeader("Access-Control-Allow-Headers", String.join(", ", headers.get()));
        }
        if (policy.credentials()) {
            response.setHeader("Access-Control-Allow-Credentials", "true");
        }
        response.setHeader("Access-Control-Max-Age", policy.maxAge());
        response.setContentLength(0);
        response.flushBuffer();
    }

    /** Whether the request's one {@code Origin} is the gateway's own: by {@code Host} as received, or public URL. */
    private boolean isSameOrigin(HttpServletRequest request, List<String> origins) {
        if (origins.size() != 1) {
            return false;
        }
        Optional<String> origin = CorsConfig.origin(origins.get(0), false);
        if (origin.isEmpty() || origin.get().equals(CorsConfig.NULL_ORIGIN)) {
            return false;
        }
        if (publicOrigin.equals(origin)) {
            return true;
        }
        String host = request.getHeader("Host");
        return host != null
                && CorsConfig.origin(request.getScheme() + "://" + host, false).equals(origin);
    }

    private static void refuse(HttpServletRequest request, HttpServletResponse response, String what)
            throws IOException {
        LOG.debug(
                "request {}: cross-origin request refused: its {} is not allowed",
                RequestAttributes.REQUEST_ID.get(request).orElse("-"),
                what);
        ProblemWriter.write(
                request,
                response,
                ProblemType.CORS_REFUSED,
                "The route's CORS policy does not allow this cross-origin request's " + what + ".");
    }
}
