package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
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
 */
class ContainerRealmIT {
    private static final String CONFIG = """
            auth:
              issuer: http://gateway.test
              algorithm: HS256
              signing-keys:
                - { kid: c1, secret: "container-realm-it-only-0123456789abcdef" }
              users: container
            routes:
              - { prefix: /api/orders, upstream: "http://127.0.0.1:9", auth: jwt, scopes: [orders] }
            logging:
              format: text
            """;
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
        Path config = Files.writeString(baseDir.resolve("portcullis.yaml"), CONFIG);
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
        String previous = System.setProperty("portcullis.config", config.toString());
        try {
            tomcat.start();
            assertTrue(context.getState().isAvailable(), "the context did not start: " + context.getState());
            GatewayNode node = new GatewayNode("tomcat-realm", connector.getLocalPort());

            HttpResponse<byte[]> login = AuthIT.post(node, "/login", AuthIT.credentials("carol", "carol-secret-1"));
            assertEquals(200, login.statusCode(), () -> new String(login.body()));
            JsonNode tokens = Http.json(login);
            assertEquals("carol", tokens.path("user_id").asText());
            JsonNode me = Http.json(AuthIT.me(node, tokens.path("access_token").asText()));
            assertEquals("carol", me.path("username").asText());
            assertEquals("[\"orders\",\"user\"]", me.path("roles").toString());

            JsonNode refreshed = Http.json(AuthIT.post(node, "/refresh",
                    AuthIT.field("refresh_token", tokens.path("refresh_token").asText())));
            assertEquals("[\"orders\",\"user\"]",
                    Http.json(AuthIT.me(node, refreshed.path("access_token").asText())).path("roles").toString(),
                    "the realm's roles survive a refresh");

            JsonNode dave = Http.json(AuthIT.post(node, "/login", AuthIT.credentials("dave", "dave-secret-1")));
            assertEquals("[]", Http.json(AuthIT.me(node, dave.path("access_token").asText())).path("roles").toString(),
                    "roles no route needs are not probed");
            Http.assertProblem(AuthIT.post(node, "/login", AuthIT.credentials("carol", "wrong-secret")), 401,
                    "Invalid credentials");
            Http.assertProblem(AuthIT.post(node, "/login", AuthIT.credentials("nobody", "wrong-secret")), 401,
                    "Invalid credentials");
            Http.assertProblem(AuthIT.post(node, "/register", AuthIT.credentials("erin", "erin-secret-1")), 403,
                    "Forbidden");
        } finally {
            if (previous == null) {
                System.clearProperty("portcullis.config");
            } else {
                System.setProperty("portcullis.config", previous);
            }
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
