package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.realm.MemoryRealm;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.users: container}: the real WAR in an embedded Tomcat whose realm is a {@code tomcat-users.xml}
 * ({@link MemoryRealm}); logins are checked by the realm, roles come from it, registration is refused.
 * {@link JettyContainerRealmIT} checks the same on Jetty.
 */
class ContainerRealmIT {
    private static final String USERS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <tomcat-users xmlns="http://tomcat.apache.org/xml" version="1.0">
              <role rolename="orders"/>
              <role rolename="user"/>
              <user username="carol" password="carol-secret-1" roles="user,orders"/>
              <user username="dave" password="dave-secret-1" roles="auditor"/>
            </tomcat-users>
            """;

    @Test
    void loginWhenRealmKnowsUserThenTokensWithRealmRolesAndRegistrationRefused(@TempDir Path baseDir) throws Exception {
        Path war = Path.of(System.getProperty("portcullis.war", "target/portcullis.war"));
        Path users = Files.writeString(baseDir.resolve("tomcat-users.xml"), USERS);
        Files.createDirectories(baseDir.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setAddDefaultWebXmlToWebapp(false);
        tomcat.setPort(0);
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", "127.0.0.1");
        Context context = tomcat.addWebapp("", war.toAbsolutePath().toString());
        MemoryRealm realm = new MemoryRealm();
        realm.setPathname(users.toString());
        context.setRealm(realm);
        try (TestUpstream upstream = new TestUpstream("tomcat-realm-upstream", 0)) {
            String previous = ContainerRealmChecks.useConfig(baseDir, upstream);
            try {
                tomcat.start();
                assertTrue(context.getState().isAvailable(), "the context did not start: " + context.getState());
                ContainerRealmChecks.assertRealmDecides(
                        new GatewayNode("tomcat-realm", connector.getLocalPort()), upstream);
            } finally {
                ContainerRealmChecks.restoreConfig(previous);
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }
}
