package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What {@code auth.users: container} must do on every container, shared by {@link ContainerRealmIT} (Tomcat)
 * and {@link JettyContainerRealmIT} (Jetty). The container's realm must hold {@code carol} /
 * {@code carol-secret-1} with the roles {@code user} and {@code orders}, and {@code dave} /
 * {@code dave-secret-1} with only {@code auditor}; {@code erin} must not exist.
 */
final class ContainerRealmChecks {
    private static final String CONFIG = """
            auth:
              issuer: http://gateway.test
              algorithm: HS256
              signing-keys:
                - { kid: c1, secret: "container-realm-it-only-0123456789abcdef" }
              users: container
            routes:
              - { prefix: /api/orders, upstream: "http://127.0.0.1:%d", auth: jwt, scopes: [orders] }
            logging:
              format: text
            """;
    private static final String CONFIG_PROPERTY = "portcullis.config";

    private ContainerRealmChecks() {}

    /**
     * Writes the gateway configuration into {@code dir} and points {@code -Dportcullis.config} at it.
     *
     * @return the property's previous value, for {@link #restoreConfig}
     */
    static String useConfig(Path dir, TestUpstream upstream) throws IOException {
        Path config = Files.writeString(dir.resolve("portcullis.yaml"), CONFIG.formatted(upstream.port()));
        return System.setProperty(CONFIG_PROPERTY, config.toString());
    }

    static void restoreConfig(String previous) {
        if (previous == null) {
            System.clearProperty(CONFIG_PROPERTY);
        } else {
            System.setProperty(CONFIG_PROPERTY, previous);
        }
    }

    /**
     * The realm decides the logins and the roles: carol gets tokens carrying her realm roles (also after a
     * refresh) and passes the route that needs {@code orders}; dave logs in without it and is refused there;
     * a wrong password and an unknown user get the same 401; registration is refused.
     */
    static void assertRealmDecides(GatewayNode node, TestUpstream upstream) {
        HttpResponse<byte[]> login = AuthIT.post(node, "/login", AuthIT.credentials("carol", "carol-secret-1"));
        assertEquals(200, login.statusCode(), () -> new String(login.body()));
        JsonNode tokens = Http.json(login);
        assertEquals("carol", tokens.path("user_id").asText());
        String carol = tokens.path("access_token").asText();
        JsonNode me = Http.json(AuthIT.me(node, carol));
        assertEquals("carol", me.path("username").asText());
        assertEquals("[\"orders\",\"user\"]", me.path("roles").toString());

        JsonNode refreshed = Http.json(AuthIT.post(
                node,
                "/refresh",
                AuthIT.field("refresh_token", tokens.path("refresh_token").asText())));
        assertEquals(
                "[\"orders\",\"user\"]",
                Http.json(AuthIT.me(node, refreshed.path("access_token").asText()))
                        .path("roles")
                        .toString(),
                "the realm's roles survive a refresh");

        String carolPath = "/api/orders/" + node.name() + "-carol";
        HttpResponse<byte[]> passed = Http.get(node, carolPath, "Authorization", AuthIT.bearer(carol));
        assertEquals(200, passed.statusCode(), () -> new String(passed.body()));
        assertTrue(upstream.saw(carolPath), "the route with scopes [orders] let carol through");

        JsonNode dave = Http.json(AuthIT.post(node, "/login", AuthIT.credentials("dave", "dave-secret-1")));
        String daveToken = dave.path("access_token").asText();
        assertEquals(
                "[]",
                Http.json(AuthIT.me(node, daveToken)).path("roles").toString(),
                "roles no route needs are not probed");
        String davePath = "/api/orders/" + node.name() + "-dave";
        Http.assertProblem(
                Http.get(node, davePath, "Authorization", AuthIT.bearer(daveToken)), 403, "Insufficient scope");
        assertFalse(upstream.saw(davePath), "a user without the realm role orders stops at the gateway");

        Http.assertProblem(
                AuthIT.post(node, "/login", AuthIT.credentials("carol", "wrong-secret")), 401, "Invalid credentials");
        Http.assertProblem(
                AuthIT.post(node, "/login", AuthIT.credentials("nobody", "wrong-secret")), 401, "Invalid credentials");
        Http.assertProblem(
                AuthIT.post(node, "/register", AuthIT.credentials("erin", "erin-secret-1")), 403, "Forbidden");
    }
}
