package io.portcullis.web;

import com.github.benmanes.caffeine.cache.Ticker;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.portcullis.apikey.ApiKeyStage;
import io.portcullis.apikey.ApiKeyVerifier;
import io.portcullis.auth.AuthEndpoint;
import io.portcullis.auth.WellKnownEndpoint;
import io.portcullis.chain.ClientAddressResolver;
import io.portcullis.chain.FilterStage;
import io.portcullis.chain.Route;
import io.portcullis.chain.Stage;
import io.portcullis.chain.StoreWait;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.cors.CorsHandler;
import io.portcullis.direct.DirectResponseHandler;
import io.portcullis.jwt.HttpJwksSource;
import io.portcullis.jwt.JwtAuthenticator;
import io.portcullis.jwt.JwtStage;
import io.portcullis.jwt.SigningKeys;
import io.portcullis.jwt.TokenCache;
import io.portcullis.jwt.TokenVerifier;
import io.portcullis.jwt.TrustedIssuers;
import io.portcullis.logging.AccessLogStage;
import io.portcullis.logging.HeaderRedactor;
import io.portcullis.logging.LogMeters;
import io.portcullis.metrics.GatewayMeters;
import io.portcullis.metrics.MetricsEndpoint;
import io.portcullis.metrics.RequestMetrics;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.proxy.GatewayProxyServlet;
import io.portcullis.proxy.UpstreamPool;
import io.portcullis.ratelimit.Charges;
import io.portcullis.ratelimit.RateLimitStage;
import io.portcullis.route.RouteStage;
import io.portcullis.route.RouteTable;
import io.portcullis.store.Stores;
import io.portcullis.waf.WafStage;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The assembled gateway: every stage, handler and shared component built once from the configuration.
 * Owns what must be closed on shutdown. Thread-safe once built.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final GatewayConfig config;
    private final Map<FilterStage, Stage> stages;
    private final GatewayFilter filter;
    private final GatewayServlet servlet;
    private final GatewayProxyServlet proxy;
    private final Stores stores;
    private final List<AutoCloseable> closeables;
    private final ShutdownReadiness shutdown;

    private Gateway(
            GatewayConfig config,
            Map<FilterStage, Stage> stages,
            GatewayServlet servlet,
            GatewayProxyServlet proxy,
            Stores stores,
            List<AutoCloseable> closeables,
            ShutdownReadiness shutdown) {
        this.config = config;
        this.stores = stores;
        this.stages = Map.copyOf(stages);
        this.filter = new GatewayFilter(stages);
        this.servlet = servlet;
        this.proxy = proxy;
        this.closeables = closeables;
        this.shutdown = shutdown;
    }

    public static Gateway assemble(GatewayConfig config, Clock clock) {
        // Before anything that must be closed: a missing or weak key, or a bad WAF rules file, fails start-up here,
        // all their problems in one list.
        StartupValidation.Checked checked = StartupValidation.check(config);
        SigningKeys keys = checked.signingKeys();
        List<AutoCloseable> closeables = new ArrayList<>();
        PrometheusMeterRegistry meters = GatewayMeters.create();
        closeables.add(meters::close);
        LogMeters.register(meters);
        // Shared state: Redis when redis.uri is set (connecting in the background, so start-up never waits
        // on it), otherwise this process.
        Stores stores = Stores.create(config, clock, meters);
        closeables.add(stores);
        Map<String, UpstreamPool> pools = new LinkedHashMap<>();
        List<URI> allUpstreams = new ArrayList<>();
        for (RouteConfig route : config.routes()) {
            if (!route.upstreams().isEmpty()) {
                pools.put(route.id(), new UpstreamPool(route.id(), route.upstreams(), clock));
                allUpstreams.addAll(route.upstreams());
            }
        }
        GatewayProxyServlet proxy = new GatewayProxyServlet(
                pools, config.apiKeys().header(), config.gateway().stripHeaders(), meters);

        UpstreamReadiness upstreamReadiness = new UpstreamReadiness(allUpstreams);
        closeables.add(upstreamReadiness);
        ShutdownReadiness shutdown = new ShutdownReadiness();
        List<Route> endpoints = new ArrayList<>();
        endpoints.add(Route.endpoint(
                "health",
                HealthEndpoint.PREFIX,
                new HealthEndpoint(List.of(new StoreReadiness(stores), upstreamReadiness, shutdown))));
        endpoints.add(Route.endpoint("metrics", MetricsEndpoint.PREFIX, new MetricsEndpoint(meters)));
        endpoints.add(Route.endpoint(
                "auth",
                config.auth().path(),
                AuthEndpoint.create(
                        config, keys, stores.auth(config.rateLimits().algorithm()), clock)));
        endpoints.add(Route.endpoint(
                "well-known",
                WellKnownEndpoint.PREFIX,
                new WellKnownEndpoint(keys, config.auth(), config.gateway().publicUrl())));
        if (config.gateway().demo()) {
            endpoints.add(Route.endpoint("demo-echo", DemoEchoEndpoint.PREFIX, new DemoEchoEndpoint()));
            endpoints.add(Route.endpoint("console", ConsoleEndpoint.PREFIX, new ConsoleEndpoint()));
            DemoData.seed(config, stores);
        }
        StoreWait storeWait = StoreWait.of(config.redis());
        DirectResponseHandler direct = new DirectResponseHandler(stores.direct(), storeWait);
        List<Route> routes = new ArrayList<>();
        for (RouteConfig route : config.routes()) {
            routes.add(Route.configured(
                    route,
                    route.direct().isPresent()
                            ? direct
                            : route.servedByWebapp() ? Gateway::answerNoWebappServlet : proxy));
        }
        RouteTable table = new RouteTable(endpoints, routes);

        Map<FilterStage, Stage> stages = new EnumMap<>(FilterStage.class);
        stages.put(
                FilterStage.ACCESS_LOG,
                new AccessLogStage(
                        new ClientAddressResolver(
                                config.gateway().trustedProxies(),
                                config.gateway().clientAddressHeader()),
                        new HeaderRedactor(config.apiKeys().header()),
                        List.of(new RequestMetrics(meters))));
        stages.put(FilterStage.ROUTE, new RouteStage(table, CorsHandler.create(config)));
        stages.put(FilterStage.WAF, WafStage.create(config.waf(), checked.wafRules(), meters));
        // One rule for the rate-limit charge: the API-key and JWT stages count a request in the Redis round trip of
        // their own check (issued API key, token revocation), and the rate-limit stage answers from that count or
        // counts itself.
        Charges charges = new Charges(config.rateLimits());
        stages.put(
                FilterStage.API_KEY,
                new ApiKeyStage(
                        config.apiKeys().header(),
                        new ApiKeyVerifier(config.apiKeys().staticKeys(), stores.apiKeys(), storeWait),
                        charges));
        stages.put(FilterStage.JWT, jwtStage(config, keys, stores, clock, meters, charges));
        stages.put(
                FilterStage.RATE_LIMIT,
                new RateLimitStage(
                        charges, stores.rateLimiter(config.rateLimits().algorithm()), storeWait));
        return new Gateway(config, stages, new GatewayServlet(), proxy, stores, closeables, shutdown);
    }

    /**
     * A {@code webapp: true} route normally never reaches the gateway servlet: the web application's own servlet
     * for the path answers. When the gateway servlet's mapping covers the path after all, nothing serves it.
     */
    private static void answerNoWebappServlet(HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        ProblemWriter.write(
                request,
                response,
                ProblemType.NO_ROUTE,
                "This route is served by the web application, which has no servlet for this path.");
    }

    private static JwtStage jwtStage(
            GatewayConfig config,
            SigningKeys signingKeys,
            Stores stores,
            Clock clock,
            MeterRegistry meters,
            Charges charges) {
        StoreWait storeWait = StoreWait.of(config.redis());
        TokenVerifier verifier = new TokenVerifier(
                config.auth(), signingKeys, TrustedIssuers.create(config.auth(), new HttpJwksSource(), clock), clock);
        TokenCache cache = new TokenCache(
                verifier,
                config.auth().tokenCache().redis() ? Optional.of(stores.verifiedTokens()) : Optional.empty(),
                config.auth().tokenCache().size(),
                clock,
                Ticker.systemTicker(),
                meters,
                storeWait);
        return new JwtStage(
                new JwtAuthenticator(cache, stores.revocations(), config.redis().revocationOnFailure(), storeWait),
                charges);
    }

    public GatewayConfig config() {
        return config;
    }

    /** The one filter that runs every stage in order. */
    public GatewayFilter filter() {
        return filter;
    }

    /** One stage alone, for a web.xml that declares a filter per stage (see {@link StageFilter}). */
    Stage stage(FilterStage stage) {
        return stages.get(stage);
    }

    /** The shared-state stores every stage and the auth service use. */
    public Stores stores() {
        return stores;
    }

    public GatewayServlet servlet() {
        return servlet;
    }

    public GatewayProxyServlet proxy() {
        return proxy;
    }

    /**
     * Shutdown has begun: {@code /health/ready} answers 503 from now on while requests are still served, so a
     * load balancer stops sending new ones before the container stops. Idempotent; {@link #close} implies it.
     */
    public void beginShutdown() {
        shutdown.begin();
    }

    /** Whether {@link #beginShutdown} was called. */
    public boolean shuttingDown() {
        return shutdown.draining();
    }

    @Override
    public void close() {
        shutdown.begin();
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.warn("error while shutting down: {}", e.toString());
            }
        }
    }
}
