package io.portcullis.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.portcullis.chain.FilterStage;
import io.portcullis.config.ConfigLoader;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.Servlet;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletRegistration;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How the listener completes web.xml: the whole gateway, or only the filters in front of a web application. */
class GatewayContextListenerTest {
    private static final String KEYS = """
            auth:
              algorithm: HS256
              signing-keys: [ { kid: t, secret: "listener-test-only-0123456789abcdef" } ]
            logging: { format: text }
            """;

    @TempDir
    Path dir;

    private final ServletContext context = mock(ServletContext.class);
    private final GatewayContextListener listener = new GatewayContextListener();

    @AfterEach
    void close() {
        listener.contextDestroyed(new ServletContextEvent(context));
    }

    private void configure(String routes) throws Exception {
        Path config = Files.writeString(dir.resolve("portcullis.yaml"), KEYS + routes);
        when(context.getInitParameter(ConfigLoader.PROPERTY)).thenReturn(config.toString());
        when(context.addFilter(anyString(), any(Filter.class))).thenReturn(mock(FilterRegistration.Dynamic.class));
    }

    private void declareFilter(String name) {
        when(context.getFilterRegistration(name)).thenReturn(mock(FilterRegistration.class));
    }

    @Test
    void contextInitializedWhenNoGatewayServletAndWebappRoutesThenTheOneFilterOnlyAndNoServlets() throws Exception {
        configure("routes: [ { prefix: /orders, auth: jwt, webapp: true } ]");
        declareFilter(GatewayFilter.NAME);

        listener.contextInitialized(new ServletContextEvent(context));

        verify(context).addFilter(eq(GatewayFilter.NAME), any(GatewayFilter.class));
        for (FilterStage stage : FilterStage.values()) {
            verify(context, never()).addFilter(eq(stage.filterName()), any(Filter.class));
        }
        verify(context, never()).addServlet(anyString(), any(Servlet.class));
    }

    @Test
    void contextInitializedWhenTheSixStageFiltersAreDeclaredThenEachCompletedWithItsStage() throws Exception {
        configure("routes: [ { prefix: /orders, auth: jwt, webapp: true } ]");
        for (FilterStage stage : FilterStage.values()) {
            declareFilter(stage.filterName());
        }

        listener.contextInitialized(new ServletContextEvent(context));

        for (FilterStage stage : FilterStage.values()) {
            verify(context).addFilter(eq(stage.filterName()), any(StageFilter.class));
        }
        verify(context, never()).addFilter(eq(GatewayFilter.NAME), any(Filter.class));
    }

    @Test
    void contextInitializedWhenNoFilterIsDeclaredThenFailsNamingTheGatewayFilter() throws Exception {
        configure("routes: [ { prefix: /orders, webapp: true } ]");

        IllegalStateException failure = assertThrows(
                IllegalStateException.class, () -> listener.contextInitialized(new ServletContextEvent(context)));

        assertEquals("web.xml must declare filter 'portcullis' without a filter-class", failure.getMessage());
        verify(context, never()).addFilter(anyString(), any(Filter.class));
    }

    @Test
    void contextInitializedWhenNoGatewayServletAndProxiedRouteThenFailsNamingTheRoute() throws Exception {
        configure("routes: [ { prefix: /orders, id: orders, upstream: \"http://127.0.0.1:9\" } ]");

        IllegalStateException failure = assertThrows(
                IllegalStateException.class, () -> listener.contextInitialized(new ServletContextEvent(context)));

        assertTrue(failure.getMessage().startsWith("route 'orders' of "), failure.getMessage());
        assertTrue(
                failure.getMessage()
                        .endsWith("web.xml declares no servlet 'gateway' to answer it; routes in "
                                + "front of this web application's servlets say webapp: true"),
                failure.getMessage());
        verify(context, never()).addFilter(anyString(), any(Filter.class));
    }

    @Test
    void contextInitializedWhenGatewayServletDeclaredThenItAndTheProxyAreCompleted() throws Exception {
        configure("routes: [ { prefix: /orders, upstream: \"http://127.0.0.1:9\" } ]");
        declareFilter(GatewayFilter.NAME);
        when(context.getServletRegistration(GatewayContextListener.GATEWAY_SERVLET))
                .thenReturn(mock(ServletRegistration.class));
        ServletRegistration.Dynamic gateway = mock(ServletRegistration.Dynamic.class);
        ServletRegistration.Dynamic proxy = mock(ServletRegistration.Dynamic.class);
        when(context.addServlet(eq(GatewayContextListener.GATEWAY_SERVLET), any(Servlet.class)))
                .thenReturn(gateway);
        when(context.addServlet(eq(GatewayContextListener.PROXY_SERVLET), any(Servlet.class)))
                .thenReturn(proxy);

        listener.contextInitialized(new ServletContextEvent(context));

        verify(gateway).setAsyncSupported(true);
        verify(proxy).setLoadOnStartup(1);
        verify(proxy).setInitParameter("maxThreads", "64");
    }

    @Test
    void contextInitializedWhenAStageFilterIsDeclaredWithAClassThenFailsNamingIt() throws Exception {
        configure("routes: [ { prefix: /orders, webapp: true } ]");
        for (FilterStage stage : FilterStage.values()) {
            declareFilter(stage.filterName());
        }
        when(context.addFilter(eq("waf"), any(Filter.class))).thenReturn(null);

        IllegalStateException failure = assertThrows(
                IllegalStateException.class, () -> listener.contextInitialized(new ServletContextEvent(context)));

        assertEquals("web.xml must declare filter 'waf' without a filter-class", failure.getMessage());
    }
}
