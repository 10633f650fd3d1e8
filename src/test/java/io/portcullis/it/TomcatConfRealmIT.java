package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Catalina;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auth.users: container} with the shipped {@code tomcat-conf/}: a Tomcat built from the very
 * server.xml (its {@code LockOutRealm} over the {@code UserDatabase} resource), tomcat-users.xml and
 * context.xml, with the WAR as {@code webapps/ROOT.war}. The configuration comes from context.xml's path;
 * logins are decided by the sample users of tomcat-users.xml. The Cargo node cannot show this: the other ITs
 * need {@code users: redis}.
 */
class TomcatConfRealmIT {
    private static final String CONFIG = """
            auth:
              algorithm: HS256
              signing-keys:
                - { kid: c1, secret: "tomcat-conf-realm-it-only-0123456789abcdef" }
              users: container
            routes:
              - { prefix: /api/admin, upstream: "http://127.0.0.1:%d", auth: jwt, scopes: [admin] }
            logging:
              format: text
            """;

    @Test
    void loginWhenShippedUsersThenTheRealmDecidesAndItsRolesGateTheRoute(@TempDir Path base) throws Exception {
        Path conf = Files.createDirectories(base.resolve("conf"));
        Files.copy(Path.of("tomcat-conf/server.xml"), conf.resolve("server.xml"));
        Files.copy(Path.of("tomcat-conf/tomcat-users.xml"), conf.resolve("tomcat-users.xml"));
        Path config = base.resolve("portcullis.yaml");
        Files.writeString(
                conf.resolve("context.xml"),
                Files.readString(Path.of("tomcat-conf/context.xml"))
                        .replace("/etc/portcullis/portcullis.yaml", config.toString()));
        Files.copy(
                Path.of(System.getProperty("portcullis.war", "target/portcullis.war")),
                Files.createDirectories(base.resolve("webapps")).resolve("ROOT.war"));

        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("catalina.base", base.toString());
        properties.put("catalina.home", base.toString());
        properties.put("portcullis.http.port", "0");
        properties.put("portcullis.http.address", "127.0.0.1");
        Map<String, String> previous = new LinkedHashMap<>();
        // Catalina sets the JNDI properties for server.xml's UserDatabase resource: restored afterwards as well.
        for (String jndi : new String[] {"java.naming.factory.initial", "java.naming.factory.url.pkgs"}) {
            previous.put(jndi, System.getProperty(jndi));
        }
        properties.forEach((name, value) -> previous.put(name, System.setProperty(name, value)));
        Catalina catalina = new Catalina();
        catalina.setUseShutdownHook(false);
        try (TestUpstream upstream = new TestUpstream("tomcat-conf-realm-upstream", 0)) {
            Files.writeString(config, CONFIG.formatted(upstream.port()));
            catalina.load();
            catalina.start();
            Connector connector = catalina.getServer().findServices()[0].findConnectors()[0];
            GatewayNode node = new GatewayNode("tomcat-conf", connector.getLocalPort());

            JsonNode dave = Http.json(AuthIT.post(node, "/login", AuthIT.credentials("dave", "dave-password-1")));
            String daveToken = dave.path("access_token").asText();
            assertEquals(
                    "[\"admin\",\"user\"]",
                    Http.json(AuthIT.me(node, daveToken)).path("roles").toString());
            HttpResponse<byte[]> passed =
                    Http.get(node, "/api/admin/report", "Authorization", AuthIT.bearer(daveToken));
            assertEquals(200, passed.statusCode(), () -> new String(passed.body()));

            JsonNode carol = Http.json(AuthIT.post(node, "/login", AuthIT.credentials("carol", "carol-password-1")));
            assertEquals(
                    "[\"user\"]",
                    Http.json(AuthIT.me(node, carol.path("access_token").asText()))
                            .path("roles")
                            .toString());
            Http.assertProblem(
                    Http.get(
                            node,
                            "/api/admin/report",
                            "Authorization",
                            AuthIT.bearer(carol.path("access_token").asText())),
                    403,
                    "Insufficient scope");
            Http.assertProblem(
                    AuthIT.post(node, "/login", AuthIT.credentials("carol", "wrong-password-1")),
                    401,
                    "Invalid credentials");
        } finally {
            catalina.stop();
            previous.forEach((name, value) -> {
                if (value == null) {
                    System.clearProperty(name);
                } else {
                    System.setProperty(name, value);
                }
            });
        }
    }
}
