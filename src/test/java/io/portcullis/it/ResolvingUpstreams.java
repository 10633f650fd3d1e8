package io.portcullis.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * Two servlet containers as upstreams, on the ports Maven reserved ({@code upstream.tomcat.port},
 * {@code upstream.jetty.port}): an embedded Tomcat and an embedded Jetty, each with one servlet mapped to
 * {@code /*} that answers 200 with the path the container resolved ({@code getServletPath() + getPathInfo()})
 * as JSON. Both are set to accept what they can of ambiguous paths (Tomcat decodes {@code %2F}; Jetty runs with
 * {@link UriCompliance#UNSAFE} and decodes ambiguous URIs): an upstream that refused an ambiguous path itself
 * would hide a path the gateway should never have sent.
 */
final class ResolvingUpstreams implements AutoCloseable {
    static final int TOMCAT_PORT = Integer.getInteger("upstream.tomcat.port", 0);
    static final int JETTY_PORT = Integer.getInteger("upstream.jetty.port", 0);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Tomcat tomcat;
    private final Server jetty;
    private final Path tomcatBase;

    private ResolvingUpstreams(Tomcat tomcat, Path tomcatBase, Server jetty) {
        this.tomcat = tomcat;
        this.tomcatBase = tomcatBase;
        this.jetty = jetty;
    }

    static ResolvingUpstreams start() throws Exception {
        if (TOMCAT_PORT == 0 || JETTY_PORT == 0) {
            throw new IllegalStateException(
                    "upstream.tomcat.port and upstream.jetty.port are not set: run with mvn verify");
        }
        Path base = Files.createTempDirectory("resolving-tomcat");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(TOMCAT_PORT);
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", "127.0.0.1");
        connector.setEncodedSolidusHandling("decode");
        Context context = tomcat.addContext("", base.toString());
        Tomcat.addServlet(context, "resolved", new ResolvedPathServlet("tomcat"));
        context.addServletMappingDecoded("/*", "resolved");
        tomcat.start();

        Server jetty = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector jettyConnector = new ServerConnector(jetty, new HttpConnectionFactory(http));
        jettyConnector.setHost("127.0.0.1");
        jettyConnector.setPort(JETTY_PORT);
        jetty.addConnector(jettyConnector);
        ServletContextHandler handler = new ServletContextHandler("/");
        handler.getServletHandler().setDecodeAmbiguousURIs(true);
        handler.addServlet(new ServletHolder(new ResolvedPathServlet("jetty")), "/*");
        jetty.setHandler(handler);
        try {
            jetty.start();
        } catch (Exception e) {
            tomcat.stop();
            tomcat.destroy();
            throw e;
        }
        return new ResolvingUpstreams(tomcat, base, jetty);
    }

    @Override
    public void close() throws Exception {
        try {
            jetty.stop();
        } finally {
            tomcat.stop();
            tomcat.destroy();
            try (var files = Files.walk(tomcatBase)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Answers every request with the container's resolution of its path. */
    static final class ResolvedPathServlet extends HttpServlet {
        private static final long serialVersionUID = 1L;
        private final String server;

        ResolvedPathServlet(String server) {
            this.server = server;
        }

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String servletPath = request.getServletPath();
            String pathInfo = request.getPathInfo();
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("server", server);
            body.put("resolved", (servletPath == null ? "" : servletPath) + (pathInfo == null ? "" : pathInfo));
            body.put("request_uri", request.getRequestURI());
            response.setStatus(200);
            response.setContentType("application/json");
            response.setHeader("X-Resolved-By", server);
            response.getOutputStream().write(JSON.writeValueAsBytes(body));
        }
    }
}
