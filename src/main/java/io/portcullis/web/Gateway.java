package io.portcullis.web;

import io.portcullis.chain.ClientAddressResolver;
import io.portcullis.chain.FilterStage;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.logging.AccessLogFilter;
import io.portcullis.logging.HeaderRedactor;
import io.portcullis.proxy.GatewayProxyServlet;
import io.portcullis.proxy.UpstreamPool;
import io.portcullis.route.Route;
import io.portcullis.route.RouteFilter;
import io.portcullis.route.RouteTable;
import io.portcullis.waf.WafFilter;
import jakarta.servlet.Filter;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The assembled gateway: every stage, handler and shared component built once from the configuration.
 * Owns what must be closed on shutdown. Thread-safe once built.
 */
public final class Gateway implements AutoCloseable {
    private final GatewayConfig config;
    private final Map<FilterStage, Filter> filters;
    private final GatewayServlet servlet;
    private final GatewayProxyServlet proxy;
    private final List<AutoCloseable> closeables;

    private Gateway(GatewayConfig config, Map<FilterStage, Filter> filters, GatewayServlet servlet,
            GatewayProxyServlet proxy, List<AutoCloseable> closeables) {
        this.config = config;
        this.filters = filters;
        this.servlet = servlet;
        this.proxy = proxy;
        this.closeables = closeables;
    }

    public static Gateway assemble(GatewayConfig config, Clock clock) {
        List<AutoCloseable> closeables = new ArrayList<>();
        Map<String, UpstreamPool> pools = new LinkedHashMap<>();
        List<URI> allUpstreams = new ArrayList<>();
        for (RouteConfig route : config.routes()) {
            if (!route.upstreams().isEmpty()) {
                pools.put(route.id(), new UpstreamPool(route.id(), route.upstreams(), clock));
                allUpstreams.addAll(route.upstreams());
            }
        }
        GatewayProxyServlet proxy = new GatewayProxyServlet(pools, config.apiKeys().header());

        UpstreamReadiness upstreamReadiness = new UpstreamReadiness(allUpstreams);
        closeables.add(upstreamReadiness);
        List<Route> endpoints = new ArrayList<>();
        endpoints.add(Route.endpoint("health", HealthEndpoint.PREFIX, new HealthEndpoint(List.of(upstreamReadiness))));
        if (config.gateway().demo()) {
            endpoints.add(Route.endpoint("demo-echo", DemoEchoEndpoint.PREFIX, new DemoEchoEndpoint()));
        }
        List<Route> routes = new ArrayList<>();
        for (RouteConfig route : config.routes()) {
            if (!route.upstreams().isEmpty()) {
                routes.add(Route.configured(route, proxy));
            }
        }
        RouteTable table = new RouteTable(endpoints, routes);

        Map<FilterStage, Filter> filters = new EnumMap<>(FilterStage.class);
        filters.put(FilterStage.ACCESS_LOG, new AccessLogFilter(
                new ClientAddressResolver(config.gateway().trustedProxies()),
                new HeaderRedactor(config.apiKeys().header())));
        filters.put(FilterStage.ROUTE, new RouteFilter(table));
        filters.put(FilterStage.WAF, WafFilter.create(config.waf()));
        return new Gateway(config, filters, new GatewayServlet(), proxy, closeables);
    }

    public GatewayConfig config() {
        return config;
    }

    public Filter filter(FilterStage stage) {
        Filter filter = filters.get(stage);
        if (filter == null) {
            throw new IllegalStateException("no filter was built for stage " + stage);
        }
        return filter;
    }

    public GatewayServlet servlet() {
        return servlet;
    }

    public GatewayProxyServlet proxy() {
        return proxy;
    }

    @Override
    public void close() {
        for (AutoCloseable closeable : closeables) {
            try {
                closeable.close();
            } catch (Exception e) {
                org.slf4j.LoggerFactory.getLogger(Gateway.class).warn("error while shutting down: {}", e.toString());
            }
        }
    }
}
