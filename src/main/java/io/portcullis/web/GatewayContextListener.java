package io.portcullis.web;

import io.portcullis.chain.FilterStage;
import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.RouteConfig;
import io.portcullis.logging.LoggingSetup;
import io.portcullis.metrics.BuildInfo;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up and shutdown. Loads the configuration (system property {@code portcullis.config}, environment
 * {@code PORTCULLIS_CONFIG}, context init-parameter {@code portcullis.config}; the built-in demo only with
 * {@code -Dportcullis.demo=true}; with none of these the deployment fails with one line saying so),
 * builds the {@link Gateway}, and completes the filter and servlet declarations of web.xml with its
 * instances. A configuration that does not validate fails the deployment with one message listing every problem.
 *
 * <p>web.xml declares one filter, {@value GatewayFilter#NAME}, without a class: the {@link GatewayFilter} that
 * runs every stage in the order {@link FilterStage} declares. A web.xml written for earlier versions, declaring
 * the six stage filters by their {@link FilterStage#filterName()} instead, still works: each then checks at run
 * time that the stages run in that order ({@link StageFilter}). The servlet
 * {@value #GATEWAY_SERVLET} is optional: with it (as in Portcullis's own WAR) the gateway answers its own
 * endpoints and proxies its routes and applies {@code logging:} to Logback. Without it, the filters guard the
 * servlets of the web application they are declared in: every route must then be {@code webapp: true}, and the
 * web application's logging configuration is left alone (see docs/embedding.md).
 */
public final class GatewayContextListener implements ServletContextListener {
    /** The name of the servlet declared in web.xml. */
    public static final String GATEWAY_SERVLET = "gateway";

    static final String PROXY_SERVLET = "proxy";
    private static final String JETTY_EXECUTOR = "org.eclipse.jetty.server.Executor";
    private static final String PROXY_MAX_THREADS = "64";
    private static final Logger LOG = LoggerFactory.getLogger(GatewayContextListener.class);

    private Gateway gateway;
    private Thread shutdownHook;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        GatewayConfig config = loadConfig(context);
        boolean servletDeclared = context.getServletRegistration(GATEWAY_SERVLET) != null;
        if (servletDeclared) {
            LoggingSetup.apply(config.logging());
        } else {
            requireWebappRoutes(config);
        }
        if (config.gateway().demo()) {
            LOG.warn(
                    "Portcullis is running the built-in DEMO configuration ({}): in-memory state and a demo "
                            + "upstream; give -Dportcullis.config for real use",
                    config.source());
        }
        gateway = Gateway.assemble(config, Clock.systemUTC());
        registerFilters(context);
        if (servletDeclared) {
            registerServlets(context);
            LOG.info(
                    "Portcullis {} started from {}: {} routes, trusted proxies {}",
                    BuildInfo.current().version(),
                    config.source(),
                    config.routes().size(),
                    config.gateway().trustedProxies());
        } else {
            LOG.info(
                    "Portcullis {} filters started from {} in front of this web application's servlets: {} routes, "
                            + "trusted proxies {}",
                    BuildInfo.current().version(),
                    config.source(),
                    config.routes().size(),
                    config.gateway().trustedProxies());
        }
        // SIGTERM starts the JVM's shutdown hooks while the container's graceful stop lets in-flight requests
        // finish: readiness turns 503 at that moment, not only when the context is finally destroyed.
        Gateway started = gateway;
        shutdownHook = new Thread(started::beginShutdown, "portcullis-shutdown-readiness");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    private void registerFilters(ServletContext context) {
        if (context.getFilterRegistration(GatewayFilter.NAME) != null || !declaresStageFilters(context)) {
            register(context, GatewayFilter.NAME, gateway.filter());
            return;
        }
        for (FilterStage stage : FilterStage.values()) {
            register(context, stage.filterName(), new StageFilter(stage, gateway.stage(stage)));
        }
    }

    private static boolean declaresStageFilters(ServletContext context) {
        for (FilterStage stage : FilterStage.values()) {
            if (context.getFilterRegistration(stage.filterName()) != null) {
                return true;
            }
        }
        return false;
    }

    /** Completes a filter web.xml declares without a class; refuses one it does not declare (it would be unmapped). */
    private static void register(ServletContext context, String name, Filter filter) {
        FilterRegistration existing = context.getFilterRegistration(name);
        FilterRegistration.Dynamic registration = existing == null ? null : context.addFilter(name, filter);
        if (registration == null) {
            throw fail("web.xml must declare filter '" + name + "' without a filter-class");
        }
        registration.setAsyncSupported(true);
    }

    private void registerServlets(ServletContext context) {
        ServletRegistration.Dynamic main = context.addServlet(GATEWAY_SERVLET, gateway.servlet());
        if (main == null) {
            throw fail("web.xml must declare servlet '" + GATEWAY_SERVLET + "' without a servlet-class");
        }
        main.setAsyncSupported(true);
        ServletRegistration.Dynamic proxy = context.addServlet(PROXY_SERVLET, gateway.proxy());
        proxy.setAsyncSupported(true);
        proxy.setLoadOnStartup(1);
        if (context.getAttribute(JETTY_EXECUTOR) == null) {
            // Outside Jetty there is no server thread pool to share: the proxy's client gets its own.
            proxy.setInitParameter("maxThreads", PROXY_MAX_THREADS);
        }
        proxy.setInitParameter("idleTimeout", "60000");
    }

    /** Without the gateway servlet nothing could proxy a route or answer it from Redis. */
    private static void requireWebappRoutes(GatewayConfig config) {
        for (RouteConfig route : config.routes()) {
            if (!route.servedByWebapp()) {
                throw fail("route '" + route.id() + "' of " + config.source() + " has an upstream or direct, but "
                        + "web.xml declares no servlet '" + GATEWAY_SERVLET + "' to answer it; routes in front of "
                        + "this web application's servlets say webapp: true");
            }
        }
    }

    private static GatewayConfig loadConfig(ServletContext context) {
        Optional<Path> file = ConfigLoader.locate(
                System.getProperty(ConfigLoader.PROPERTY),
                System.getenv(ConfigLoader.ENVIRONMENT),
                context.getInitParameter(ConfigLoader.PROPERTY));
        ConfigLoader loader = new ConfigLoader();
        try {
            return loader.startup(
                    file,
                    System.getProperty(ConfigLoader.DEMO_PROPERTY),
                    System.getProperty(ConfigLoader.DEMO_PORT_PROPERTY));
        } catch (ConfigException e) {
            LOG.error(e.getMessage());
            throw e;
        }
    }

    private static IllegalStateException fail(String message) {
        LOG.error(message);
        return new IllegalStateException(message);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // The JVM is already shutting down: the hook has run or is running.
            }
            shutdownHook = null;
        }
        if (gateway != null) {
            gateway.close();
        }
    }
}
