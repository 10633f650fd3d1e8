package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The Tomcat node runs with the shipped {@code tomcat-conf/} files (see the Cargo section of pom.xml): Tomcat
 * listens where setenv.sh's {@code -Dportcullis.http.port} and {@code -Dportcullis.http.address} tell server.xml
 * to, the gateway reads the configuration that context.xml names, and server.xml's connector and error report
 * valve decide what happens to requests the WAR never sees.
 */
@GatewayIT
class TomcatConfIT {
    private static final Path NODE_CONF =
            Path.of(System.getProperty("tomcat.node.base", "target/cargo/configurations/tomcat10x"), "conf");

    private static GatewayNode tomcat() {
        return GatewayNode.all().stream()
                .filter(node -> node.name().equals("tomcat"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no Tomcat node"));
    }

    @Test
    void nodeConfWhenStartedThenTheShippedFilesWithOnlyTheConfigPathChanged() throws IOException {
        for (String file : new String[] {"server.xml", "tomcat-users.xml"}) {
            assertEquals(
                    Files.readString(Path.of("tomcat-conf", file)), Files.readString(NODE_CONF.resolve(file)), file);
        }
        String itConfig = System.getProperty("it.config");
        assertEquals(
                Files.readString(Path.of("tomcat-conf/context.xml"))
                        .replace("/etc/portcullis/portcullis.yaml", itConfig),
                Files.readString(NODE_CONF.resolve("context.xml")));
        // Nothing else names a configuration to the node: a route only the ITs' configuration has is there.
        Http.assertProblem(Http.get(tomcat(), "/keyed/x"), 401, "API key required");
    }

    @Test
    void containerErrorWhenUriMalformedThenProblemFromTheHostErrorReportValve() {
        assertContainerProblem(
                "GET /api/%zz HTTP/1.1\r\nHost: " + tomcat().authority() + "\r\nConnection: close\r\n\r\n");
    }

    @Test
    void containerErrorWhenHeaderLineMalformedThenProblemWithoutStackFrames() {
        // Tomcat's parser throws on this line; its JsonErrorReportValve would print the parser's frames.
        assertContainerProblem("GET /api/x HTTP/1.1\r\nHost: " + tomcat().authority() + "\r\nBad Header: x\r\n"
                + "Connection: close\r\n\r\n");
    }

    @Test
    void containerErrorWhenMethodMalformedThenProblemWithoutStackFrames() {
        assertContainerProblem(
                "G(T /api/x HTTP/1.1\r\nHost: " + tomcat().authority() + "\r\nConnection: close\r\n\r\n");
    }

    private static void assertContainerProblem(String rawRequest) {
        Http.RawResponse response = Http.raw(
                InetAddress.getLoopbackAddress(),
                tomcat(),
                rawRequest.getBytes(StandardCharsets.ISO_8859_1),
                Http.TIMEOUT);

        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(400, response.status(), body);
        assertEquals(
                "application/problem+json;charset=UTF-8",
                response.headers().getOrDefault("content-type", "").replace(" ", ""),
                response.headers().toString());
        assertEquals("", response.headers().get("server"), "server=\"\" hides the Server header");
        JsonNode problem = Http.json(response.body());
        assertEquals("urn:portcullis:problem:bad-request", problem.path("type").asText(), problem.toString());
        assertEquals("Bad Request", problem.path("title").asText());
        assertEquals(400, problem.path("status").asInt());
        assertFalse(body.contains("org.apache"), body);
        assertFalse(problem.has("throwable"), problem.toString());
    }

    @Test
    void headerBlockOverTheWafLimitButUnderTheConnectorsThen431ProblemFromTheWaf() {
        // Tomcat's own default (8 KB) would refuse this itself; server.xml's 32 KB leaves it to the WAF (16 KB).
        HttpResponse<byte[]> response = Http.get(tomcat(), "/api/x", "X-Padding", "a".repeat(20 * 1024));

        Http.assertProblem(response, 431, "Request Header Fields Too Large");
    }
}
