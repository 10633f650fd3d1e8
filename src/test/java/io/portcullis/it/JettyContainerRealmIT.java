package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.xml.XmlConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.users: container} on Jetty 12 (ee10): the real WAR in an embedded Jetty, configured by the
 * context XML that docs/auth.md gives for a standalone Jetty ({@code jetty-conf/webapps/ROOT.xml}: a
 * {@code HashLoginService} over {@code realm.properties} and a {@code BasicAuthenticator} on the context's
 * security handler, no constraints). {@link ContainerRealmIT} checks the same on Tomcat.
 */
class JettyContainerRealmIT {
    private static final Path CONTEXT_XML = Path.of("jetty-conf/webapps/ROOT.xml");
    private static final String USERS = """
            carol: carol-secret-1,user,orders
            dave: dave-secret-1,auditor
            """;

    @Test
    void loginWhenLoginServiceKnowsUserThenTokensWithRealmRolesAndRegistrationRefused(@TempDir Path jettyBase)
            throws Exception {
        Path war = Path.of(System.getProperty("portcullis.war", "target/portcullis.war"));
        Path webapps = Files.createDirectory(jettyBase.resolve("webapps"));
        Files.copy(war, webapps.resolve("ROOT.war"));
        Files.writeString(Files.createDirectory(jettyBase.resolve("etc")).resolve("realm.properties"), USERS);
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        XmlConfiguration contextXml =
                new XmlConfiguration(ResourceFactory.of(server).newResource(CONTEXT_XML));
        // The two properties a standalone Jetty's deployer sets.
        contextXml.getProperties().put("jetty.base", jettyBase.toString());
        contextXml.getProperties().put("jetty.webapps", webapps.toString());
        WebAppContext webapp = (WebAppContext) contextXml.configure();
        webapp.setTempDirectory(Files.createDirectory(jettyBase.resolve("work")).toFile());
        server.setHandler(webapp);
        try (TestUpstream upstream = new TestUpstream("jetty-realm-upstream", 0)) {
            String previous = ContainerRealmChecks.useConfig(jettyBase, upstream);
            try {
                server.start();
                assertTrue(webapp.isAvailable(), "the web application did not start");
                ContainerRealmChecks.assertRealmDecides(
                        new GatewayNode("jetty-realm", connector.getLocalPort()), upstream);
            } finally {
                ContainerRealmChecks.restoreConfig(previous);
                server.stop();
            }
        }
    }
}
