package io.portcullis.proxy;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.portcullis.chain.BodyTooLargeException;
import io.portcullis.chain.CanonicalPath;
import io.portcullis.chain.ClientAddress;
import io.portcullis.chain.Identity;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.chain.RouteHandler;
import io.portcullis.config.RouteConfig;
import io.portcullis.logging.RequestIds;
import io.portcullis.metrics.LatencyBuckets;
import io.portcullis.metrics.MeterCache;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.nio.channels.UnresolvedAddressException;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.ObjIntConsumer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.ee10.proxy.ProxyServlet;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.ClientConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reverse proxy, built on Jetty's {@link ProxyServlet} through its hooks only: the target comes from
 * the resolved route's pool, request headers are rebuilt with the gateway's identity and forwarding
 * headers (client-sent identity headers in any spelling, see {@link StrippedHeaders}, forwarding headers and
 * the API key never pass), and upstream failures become problem+json 502 / 504. A request body cut off by the
 * body limit while it streams ({@link BodyTooLargeException}) ends the upstream exchange unfinished and
 * answers 413. Bodies stream both ways. An
 * upstream response head over {@value #MAX_UPSTREAM_HEAD_BYTES} bytes is a 502: no container could send it
 * on (both answer a 500 of their own or drop the connection), and an unbounded head would be read into memory.
 * When the upstream breaks the exchange after the response has started, the client connection is cut, so
 * that the client sees an error rather than a short body presented as complete (see {@link #cutShort}).
 * Meters by route: the upstream exchange's duration ({@code portcullis.upstream.duration}, outcome success,
 * connect-failure, timeout, error or body-too-large) and its failures ({@code portcullis.upstream.failures},
 * kind connect, timeout or other). Thread-safe.
 */
public final class GatewayProxyServlet extends ProxyServlet implements RouteHandler {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GatewayProxyServlet.class);
    /** The largest upstream response head accepted: what Tomcat and Jetty send by default. */
    static final int MAX_UPSTREAM_HEAD_BYTES = 8 * 1024;
    /**
     * How much of an upstream response one read takes (Jetty's default is 16 KB). Each read is passed on as one
     * write to the client, so a 64 KB body crosses in one read and one write instead of four of each: 13% more
     * 64 KB responses per second on one core in the load benchmark, the same for small ones. The buffer is
     * pooled and held only while a read is being passed on.
     */
    static final int UPSTREAM_READ_BUFFER_BYTES = 64 * 1024;

    private static final Set<String> NEVER_FORWARDED = Set.of(
            "forwarded",
            "x-forwarded-for",
            "x-forwarded-proto",
            "x-forwarded-host",
            "x-forwarded-port",
            "x-forwarded-server",
            "x-real-ip",
            "x-request-id",
            "x-api-key",
            "host");

    private final transient Map<String, UpstreamPool> pools;
    private final String apiKeyHeader;
    private final transient StrippedHeaders stripped;
    private final transient MeterRegistry meters;
    private final transient MeterCache<Outcome, Timer> exchanges;

    /** A proxy whose meters are recorded nowhere. */
    public GatewayProxyServlet(Map<String, UpstreamPool> pools, String apiKeyHeader) {
        this(pools, apiKeyHeader, List.of(), new CompositeMeterRegistry());
    }

    /**
     * @param pools the upstream pool of each proxied route, by route id
     * @param apiKeyHeader the configured API-key header, never forwarded
     * @param stripHeaders {@code gateway.strip-headers}: further names (or prefixes ending in {@code *}) never
     *     forwarded
     * @param meters where the upstream meters go
     */
    public GatewayProxyServlet(
            Map<String, UpstreamPool> pools, String apiKeyHeader, List<String> stripHeaders, MeterRegistry meters) {
        this.pools = Map.copyOf(pools);
        this.apiKeyHeader = apiKeyHeader.toLowerCase(Locale.ROOT);
        this.stripped = new StrippedHeaders(stripHeaders);
        this.meters = meters;
        this.exchanges = new MeterCache<>(outcome -> Timer.builder("portcullis.upstream.duration")
                .description("Upstream exchanges, from sending the request to the end of the response")
                .tags("route", outcome.route(), "outcome", outcome.outcome())
                .serviceLevelObjectives(LatencyBuckets.REQUEST)
                .register(meters));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response) throws IOException, ServletException {
        if (request.getDispatcherType() == DispatcherType.ASYNC
                && RequestAttributes.CUT_SHORT.get(request).isPresent()) {
            // Dispatched back by cutShort: ending in an exception after commit makes the container close the
            // connection.
            throw new ResponseCutShort();
        }
        service(request, response);
    }

    @Override
    protected HttpClient newHttpClient(ClientConnector connector) {
        HttpClient client = super.newHttpClient(connector);
        client.setMaxResponseHeadersSize(MAX_UPSTREAM_HEAD_BYTES);
        client.setResponseBufferSize(UPSTREAM_READ_BUFFER_BYTES);
        return client;
    }

    @Override
    protected String rewriteTarget(HttpServletRequest request) {
        Route route = RequestAttributes.ROUTE.require(request);
        UpstreamPool pool = pools.get(route.id());
        if (pool == null) {
            return null;
        }
        URI upstream = pool.target(pool.choose());
        RouteConfig config = route.config().orElseThrow();
        CanonicalPath path = RequestAttributes.PATH.require(request);
        String forwarded =
                config.stripPrefix() ? path.encodedAfter(CanonicalPath.depth(route.prefix())) : path.encoded();
        String target = TargetPaths.target(upstream, forwarded, request.getQueryString());
        RequestAttributes.UPSTREAM.set(request, upstream.toString());
        return target;
    }

    @Override
    protected void onProxyRewriteFailed(HttpServletRequest request, HttpServletResponse response) {
        sendProxyResponseError(request, response, HttpServletResponse.SC_BAD_GATEWAY);
    }

    @Override
    protected void copyRequestHeaders(HttpServletRequest client, Request proxyRequest) {
        Route route = RequestAttributes.ROUTE.require(client);
        RouteConfig config = route.config().orElseThrow();
        boolean dropAuthorization = config.auth() == RouteConfig.AuthMode.JWT && !config.forwardAuthorization();
        Set<String> connectionHeaders = findConnectionHeaders(client);
        HttpFields.Mutable headers = HttpFields.build();
        for (Enumeration<String> names = client.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            String lower = name.toLowerCase(Locale.ROOT);
            if (HOP_HEADERS.contains(lower)
                    || NEVER_FORWARDED.contains(lower)
                    || lower.equals(apiKeyHeader)
                    || (connectionHeaders != null && connectionHeaders.contains(lower))
                    || stripped.strips(name)
                    || (dropAuthorization && lower.equals("authorization"))) {
                continue;
            }
            for (String value : Collections.list(client.getHeaders(name))) {
                headers.add(name, value);
            }
        }
        Identity identity = RequestAttributes.identity(client);
        headers.put("X-Auth-Method", identity.method().wireValue());
        identity.userId().ifPresent(user -> headers.put("X-User-Id", user));
        if (!identity.roles().isEmpty()) {
            headers.put("X-User-Roles", String.join(",", identity.roles()));
        }
        identity.clientId().ifPresent(id -> headers.put("X-Client-Id", id));
        RequestAttributes.REQUEST_ID.get(client).ifPresent(id -> headers.put(RequestIds.HEADER, id));
        ClientAddress address = RequestAttributes.CLIENT.require(client);
        headers.put("X-Forwarded-For", address.forwardedFor());
        headers.put("X-Forwarded-Proto", address.proto());
        if (address.host() != null) {
            headers.put("X-Forwarded-Host", address.host());
        }
        proxyRequest.headers(h -> h.clear().add(headers));
    }

    @Override
    protected void addProxyHeaders(HttpServletRequest client, Request proxyRequest) {
        // copyRequestHeaders wrote the forwarding headers; no Via naming this host is added.
    }

    @Override
    protected void sendProxyRequest(HttpServletRequest client, HttpServletResponse response, Request proxyRequest) {
        RouteConfig config = RequestAttributes.ROUTE.require(client).config().orElseThrow();
        // The route timeout bounds silence from the upstream, not the length of a streamed body.
        proxyRequest.timeout(0, TimeUnit.MILLISECONDS);
        proxyRequest.idleTimeout(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
        RequestAttributes.UPSTREAM_START_NANOS.set(client, System.nanoTime());
        super.sendProxyRequest(client, response, proxyRequest);
    }

    @Override
    protected String filterServerResponseHeader(
            HttpServletRequest client, Response serverResponse, String name, String value) {
        // The gateway already set its own X-Request-Id on the response.
        return name.equalsIgnoreCase(RequestIds.HEADER) ? null : value;
    }

    @Override
    protected void onProxyResponseSuccess(HttpServletRequest client, HttpServletResponse response, Response server) {
        withTarget(client, server, (pool, index) -> pool.onSuccess(index));
        recordExchange(client, "success");
        super.onProxyResponseSuccess(client, response, server);
    }

    @Override
    protected void onProxyResponseFailure(
            HttpServletRequest client, HttpServletResponse response, Response server, Throwable failure) {
        if (hasCause(failure, BodyTooLargeException.class)) {
            // The gateway aborted the exchange itself: the client's body went past the limit, not an upstream fault.
            recordExchange(client, "body-too-large");
            super.onProxyResponseFailure(client, response, server, failure);
            return;
        }
        boolean connectFailure = isConnectFailure(failure);
        boolean timeout = hasCause(failure, TimeoutException.class);
        if (connectFailure) {
            withTarget(client, server, (pool, index) -> pool.onConnectFailure(index));
        }
        recordExchange(client, connectFailure ? "connect-failure" : timeout ? "timeout" : "error");
        String route = RequestAttributes.ROUTE.get(client).map(Route::id).orElse("none");
        Counter.builder("portcullis.upstream.failures")
                .description("Upstream exchanges that failed, by route and kind")
                .tags("route", route, "kind", connectFailure ? "connect" : timeout ? "timeout" : "other")
                .register(meters)
                .increment();
        LOG.debug(
                "request {}: upstream exchange failed: {}",
                RequestAttributes.REQUEST_ID.get(client).orElse("-"),
                failure.toString());
        super.onProxyResponseFailure(client, response, server, failure);
    }

    @Override
    protected int proxyResponseStatus(Throwable failure) {
        if (hasCause(failure, BodyTooLargeException.class)) {
            return HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE;
        }
        return hasCause(failure, TimeoutException.class)
                ? HttpServletResponse.SC_GATEWAY_TIMEOUT
                : HttpServletResponse.SC_BAD_GATEWAY;
    }

    @Override
    protected int clientRequestStatus(Throwable failure) {
        if (hasCause(failure, BodyTooLargeException.class)) {
            return HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE;
        }
        return hasCause(failure, TimeoutException.class)
                ? HttpServletResponse.SC_REQUEST_TIMEOUT
                : HttpServletResponse.SC_BAD_REQUEST;
    }

    @Override
    protected void sendProxyResponseError(HttpServletRequest client, HttpServletResponse response, int status) {
        if (response.isCommitted()) {
            // Headers are out: the only honest signal left is to cut the response short.
            RequestAttributes.PROBLEM.set(client, ProblemType.forStatus(status).slug());
            cutShort(client, response);
            return;
        }
        try {
            ProblemType type = ProblemType.forStatus(status);
            ProblemWriter.write(
                    client,
                    response,
                    type,
                    switch (type) {
                        case GATEWAY_TIMEOUT -> "The upstream did not answer in time.";
                        case BAD_GATEWAY -> "The upstream could not be reached or broke the exchange.";
                        case REQUEST_TIMEOUT -> "The request body did not arrive in time.";
                        case PAYLOAD_TOO_LARGE -> "The request body exceeds the size this route accepts.";
                        default -> "The request body could not be read.";
                    });
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not write the proxy error to the client: {}", e.toString());
        } finally {
            if (client.isAsyncStarted()) {
                client.getAsyncContext().complete();
            }
        }
    }

    /**
     * Ends a response whose head has gone out by closing the client connection without finishing the body.
     * Completing it normally would be worse: a chunked body would get its last chunk and look complete, and a
     * body with a {@code Content-Length} would leave a keep-alive client waiting for bytes that never come.
     * The Servlet API has no abort. Jetty aborts on {@code sendError(-1)}; Tomcat refuses any sendError once
     * committed, but closes the connection when a dispatch ends in an exception after commit, so the request
     * is dispatched back to {@link #handle}, which throws {@link ResponseCutShort}.
     */
    private static void cutShort(HttpServletRequest client, HttpServletResponse response) {
        try {
            response.sendError(-1);
        } catch (IllegalStateException | IOException refused) {
            if (client.isAsyncStarted()) {
                RequestAttributes.CUT_SHORT.set(client, Boolean.TRUE);
                client.getAsyncContext().dispatch();
                return;
            }
        }
        if (client.isAsyncStarted()) {
            client.getAsyncContext().complete();
        }
    }

    /** Thrown on the dispatch that {@link #cutShort} makes; without a stack trace, as the container logs it. */
    static final class ResponseCutShort extends IOException {
        private static final long serialVersionUID = 1L;

        ResponseCutShort() {
            super("the upstream broke the exchange after the response had started: client connection cut");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }
    }

    /** The upstream exchange's duration, from sending the request to the end of the response or the failure. */
    private void recordExchange(HttpServletRequest client, String outcome) {
        Long started = RequestAttributes.UPSTREAM_START_NANOS.get(client).orElse(null);
        if (started == null) {
            return;
        }
        String route = RequestAttributes.ROUTE.get(client).map(Route::id).orElse("none");
        exchanges.get(new Outcome(route, outcome)).record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
    }

    private record Outcome(String route, String outcome) {}

    private void withTarget(HttpServletRequest client, Response server, ObjIntConsumer<UpstreamPool> action) {
        UpstreamPool pool =
                RequestAttributes.ROUTE.get(client).map(r -> pools.get(r.id())).orElse(null);
        if (pool == null || server == null || server.getRequest() == null) {
            return;
        }
        URI used = server.getRequest().getURI();
        for (int i = 0; i < pool.targets().size(); i++) {
            URI target = pool.target(i);
            if (target.getHost().equalsIgnoreCase(used.getHost()) && port(target) == port(used)) {
                action.accept(pool, i);
                return;
            }
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : ("https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80);
    }

    private static boolean isConnectFailure(Throwable failure) {
        return hasCause(failure, ConnectException.class) || hasCause(failure, UnresolvedAddressException.class);
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
