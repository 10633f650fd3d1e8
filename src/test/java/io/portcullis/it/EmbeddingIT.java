package io.portcullis.it;

import static io.portcullis.it.Http.assertProblem;
import static io.portcullis.it.Http.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Queue;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Portcullis's filters in front of an existing web application's own servlet, with no proxy (docs/embedding.md).
 * The test builds that web application in {@code target/estate-webapp}: a web.xml declaring the listener and the
 * six stage filters (no gateway servlet), {@link EstateServlet} in {@code WEB-INF/classes}, and the Portcullis
 * classes jar that {@code mvn package} attaches beside the WAR in {@code WEB-INF/lib}. It runs in an embedded
 * Tomcat on a free loopback port, with a configuration whose routes say {@code webapp: true} and which shares the
 * gateway nodes' Redis and signing key, so tokens the nodes issue and revoke count here too.
 */
@GatewayIT
class EmbeddingIT {
    private static final String PARTNER_KEY = "it-partner-key-0123456789";
    private static final String WEB_XML = """
            <?xml version="1.0" encoding="UTF-8"?>
            <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0" metadata-complete="true">
              <context-param>
                <param-name>portcullis.config</param-name>
                <param-value>%s</param-value>
              </context-param>
              <listener><listener-class>io.portcullis.web.GatewayContextListener</listener-class></listener>

              <filter><filter-name>access-log</filter-name><async-supported>true</async-supported></filter>
              <filter><filter-name>route</filter-name><async-supported>true</async-supported></filter>
              <filter><filter-name>waf</filter-name><async-supported>true</async-supported></filter>
              <filter><filter-name>api-key</filter-name><async-supported>true</async-supported></filter>
              <filter><filter-name>jwt</filter-name><async-supported>true</async-supported></filter>
              <filter><filter-name>rate-limit</filter-name><async-supported>true</async-supported></filter>
              <filter-mapping><filter-name>access-log</filter-name><url-pattern>/api/*</url-pattern></filter-mapping>
              <filter-mapping><filter-name>route</filter-name><url-pattern>/api/*</url-pattern></filter-mapping>
              <filter-mapping><filter-name>waf</filter-name><url-pattern>/api/*</url-pattern></filter-mapping>
              <filter-mapping><filter-name>api-key</filter-name><url-pattern>/api/*</url-pattern></filter-mapping>
              <filter-mapping><filter-name>jwt</filter-name><url-pattern>/api/*</url-pattern></filter-mapping>
              <filter-mapping><filter-name>rate-limit</filter-name><url-pattern>/api/*</url-pattern></filter-mapping>

              <servlet>
                <servlet-name>estate</servlet-name>
                <servlet-class>io.portcullis.it.EstateServlet</servlet-class>
                <load-on-startup>1</load-on-startup>
              </servlet>
              <servlet-mapping><servlet-name>estate</servlet-name><url-pattern>/api/*</url-pattern></servlet-mapping>
              <servlet-mapping><servlet-name>estate</servlet-name><url-pattern>/public/*</url-pattern></servlet-mapping>
            </web-app>
            """;
    /** The nodes' Redis, key prefix and HS256 key (see it-config/portcullis-it.yaml); the routes are this app's. */
    private static final String CONFIG = """
            gateway:
              trusted-proxies: [127.0.0.1/32]
            redis:
              uri: redis://127.0.0.1:%d
              timeout: 500ms
            auth:
              algorithm: HS256
              signing-keys:
                - { kid: it, secret: "integration-tests-only-0123456789abcdef" }
            api-keys:
              static:
                - { id: estate-partner, sha256: 3463a80ec6492efdd4e9a0583c83bbc2b75fd984eecbf7ae32de281e92401653, scopes: [partner] }
            routes:
              - { prefix: /api/inventory, id: estate-inventory, webapp: true, auth: api-key, scopes: [partner] }
              - { prefix: /api/orders, id: estate-orders, webapp: true, auth: jwt }
              - { prefix: /api/limited, id: estate-limited, webapp: true, rate-limit: { limit: 3, window: 60s } }
            logging:
              format: text
            """;

    private static Tomcat tomcat;
    private static Context context;
    private static GatewayNode estate;

    @BeforeAll
    static void startTheEstate() throws Exception {
        Path base = Path.of("target", "estate-webapp").toAbsolutePath();
        deleteRecursively(base);
        Path webapp = base.resolve("webapp");
        Path config = Files.writeString(
                Files.createDirectories(base).resolve("portcullis.yaml"), CONFIG.formatted(GatewayRedis.PORT));
        Files.writeString(
                Files.createDirectories(webapp.resolve("WEB-INF")).resolve("web.xml"), WEB_XML.formatted(config));
        Path lib = Files.createDirectories(webapp.resolve("WEB-INF/lib"));
        Path classesJar = Path.of(System.getProperty("portcullis.classes.jar", "target/portcullis-classes.jar"));
        assertTrue(Files.isRegularFile(classesJar), "mvn package attaches the classes jar: " + classesJar);
        Files.copy(classesJar, lib.resolve(classesJar.getFileName()));
        Path servletClass = webapp.resolve("WEB-INF/classes/io/portcullis/it/EstateServlet.class");
        Files.createDirectories(servletClass.getParent());
        try (InputStream in = EstateServlet.class.getResourceAsStream("EstateServlet.class")) {
            Files.copy(in, servletClass);
        }
        Files.createDirectories(base.resolve("webapps"));

        tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setAddDefaultWebXmlToWebapp(false);
        tomcat.setPort(0);
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", "127.0.0.1");
        context = tomcat.addWebapp("", webapp.toString());
        tomcat.start();
        assertTrue(context.getState().isAvailable(), "the estate web application did not start: " + context.getState());
        estate = new GatewayNode("estate", connector.getLocalPort());
    }

    @AfterAll
    static void stopTheEstate() throws Exception {
        if (tomcat != null) {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    private static Queue<String> served() {
        return EstateServlet.served(context.getServletContext());
    }

    private static String unique(String path) {
        return path + "/" + Long.toHexString(ThreadLocalRandom.current().nextLong());
    }

    @Test
    void apiKeyRouteWhenNoKeyOrUnknownKeyThen401AndTheServletIsNotCalled() {
        String noKey = unique("/api/inventory");
        assertProblem(Http.get(estate, noKey), 401, "API key required");
        String badKey = unique("/api/inventory");
        assertProblem(Http.get(estate, badKey, "x-api-key", "not-a-key-0123456789"), 401, "Invalid API key");

        assertFalse(served().contains(noKey), "a request without a key stopped at the filters");
        assertFalse(served().contains(badKey), "a request with an unknown key stopped at the filters");
    }

    @Test
    void apiKeyRouteWhenValidKeyThenTheServletRunsAndSeesTheClient() {
        String path = unique("/api/inventory");
        HttpResponse<byte[]> response = Http.get(estate, path, "x-api-key", PARTNER_KEY);

        assertEquals(200, response.statusCode(), () -> new String(response.body()));
        JsonNode seen = json(response);
        assertEquals("estate", seen.path("servlet").asText());
        assertEquals("api-key", seen.path("auth_method").asText());
        assertEquals("estate-partner", seen.path("client_id").asText());
        assertEquals("[\"partner\"]", seen.path("scopes").toString());
        assertEquals(
                response.headers().firstValue("X-Request-Id").orElse(null),
                seen.path("request_id").asText(),
                "the servlet sees the request id the client gets");
        assertTrue(served().contains(path));
    }

    @Test
    void jwtRouteWhenGatewayTokenThenPassesAndOnceRevokedOnTheGatewayThenRefused() {
        GatewayNode gateway = GatewayNode.all().get(0);
        JsonNode tokens = AuthIT.login(gateway);
        String token = tokens.path("access_token").asText();

        String missing = unique("/api/orders");
        assertProblem(Http.get(estate, missing), 401, "Authentication required");

        String first = unique("/api/orders");
        HttpResponse<byte[]> passed = Http.get(estate, first, "Authorization", AuthIT.bearer(token));
        assertEquals(200, passed.statusCode(), () -> new String(passed.body()));
        JsonNode seen = json(passed);
        assertEquals("jwt", seen.path("auth_method").asText());
        assertEquals(tokens.path("user_id").asText(), seen.path("user_id").asText());
        assertTrue(served().contains(first));

        assertEquals(
                204,
                AuthIT.post(gateway, "/logout", "", "Authorization", AuthIT.bearer(token))
                        .statusCode());
        String afterLogout = unique("/api/orders");
        HttpResponse<byte[]> refused = Http.get(estate, afterLogout, "Authorization", AuthIT.bearer(token));
        assertProblem(refused, 401, "Invalid token");
        assertTrue(
                refused.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""),
                refused.headers().toString());
        assertFalse(served().contains(missing), "a request without a token stopped at the filters");
        assertFalse(served().contains(afterLogout), "a revoked token stopped at the filters");
    }

    @Test
    void limitedRouteWhenSpentThen429WithRateLimitFieldsAndTheServletIsNotCalled() {
        String address = "10.9." + ThreadLocalRandom.current().nextInt(256) + "."
                + (1 + ThreadLocalRandom.current().nextInt(254));
        for (int remaining = 2; remaining >= 0; remaining--) {
            HttpResponse<byte[]> allowed = Http.get(estate, unique("/api/limited"), "X-Forwarded-For", address);
            assertEquals(200, allowed.statusCode(), () -> new String(allowed.body()));
            assertEquals(
                    "\"estate-limited\";q=3;w=60",
                    allowed.headers().firstValue("RateLimit-Policy").orElse(null));
            assertTrue(
                    allowed.headers().firstValue("RateLimit").orElse("").contains(";r=" + remaining + ";"),
                    allowed.headers().firstValue("RateLimit").orElse("no RateLimit"));
        }
        String over = unique("/api/limited");
        HttpResponse<byte[]> refused = Http.get(estate, over, "X-Forwarded-For", address);

        assertProblem(refused, 429, "Too Many Requests");
        assertTrue(
                refused.headers().firstValue("RateLimit").orElse("").contains(";r=0;"),
                refused.headers().toString());
        long retryAfter =
                Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter >= 1 && retryAfter <= 60, "Retry-After " + retryAfter);
        assertFalse(served().contains(over), "the request over the limit stopped at the filters");
    }

    @Test
    void pathOutsideTheFilterMappingThenTheWebappAnswersUnguarded() {
        String path = unique("/public");
        HttpResponse<byte[]> response = Http.get(estate, path);

        assertEquals(200, response.statusCode());
        assertEquals("anonymous", json(response).path("auth_method").asText());
        assertTrue(response.headers().firstValue("X-Request-Id").isEmpty(), "no Portcullis stage ran");
        assertTrue(served().contains(path));
    }

    @Test
    void unroutedPathUnderTheFilterMappingThen404AndTheServletIsNotCalled() {
        String path = unique("/api/nowhere");
        assertProblem(Http.get(estate, path), 404, "No route");
        assertFalse(served().contains(path));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
