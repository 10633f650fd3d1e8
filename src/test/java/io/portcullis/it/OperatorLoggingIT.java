package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An operator's Logback configuration is the one that logs: the real WAR in an embedded Tomcat, started with
 * {@code -Dlogback.configurationFile} naming a file appender with its own pattern. The gateway's start-up line and
 * the access-log line of a later request both land in that file, in that pattern: the gateway did not reset
 * Logback to its console appender.
 */
class OperatorLoggingIT {

    @Test
    void startWhenOperatorNamesALogbackFileThenItsAppenderAndPatternKeepLogging(@TempDir Path baseDir)
            throws Exception {
        Path war = Path.of(System.getProperty("portcullis.war", "target/portcullis.war"));
        Path log = baseDir.resolve("gateway.log");
        Path logback = Files.writeString(baseDir.resolve("logback.xml"), """
                <configuration>
                  <appender name="file" class="ch.qos.logback.core.FileAppender">
                    <file>%s</file>
                    <encoder><pattern>OPERATOR %%level %%logger{0} %%msg%%n</pattern></encoder>
                  </appender>
                  <root level="INFO"><appender-ref ref="file"/></root>
                </configuration>
                """.formatted(log));
        Path config = Files.writeString(baseDir.resolve("portcullis.yaml"), """
                gateway: {demo: true}
                routes:
                  - {prefix: /x, upstream: "http://127.0.0.1:9/"}
                logging: {format: json, level: error}
                """);
        Files.createDirectories(baseDir.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setAddDefaultWebXmlToWebapp(false);
        tomcat.setPort(0);
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", "127.0.0.1");
        Context context = tomcat.addWebapp("", war.toAbsolutePath().toString());
        String previousConfig = System.setProperty("portcullis.config", config.toString());
        String previousLogback = System.setProperty("logback.configurationFile", logback.toString());
        try {
            tomcat.start();
            assertTrue(context.getState().isAvailable(), "the context did not start: " + context.getState());
            GatewayNode node = new GatewayNode("operator-logging", connector.getLocalPort());
            assertEquals(200, Http.get(node, "/health").statusCode());
        } finally {
            restore("portcullis.config", previousConfig);
            restore("logback.configurationFile", previousLogback);
            tomcat.stop();
            tomcat.destroy();
        }

        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(
                text.lines()
                        .anyMatch(line -> line.startsWith("OPERATOR INFO GatewayContextListener Portcullis ")
                                && line.contains(" started from ")),
                text);
        assertTrue(text.lines().anyMatch(line -> line.startsWith("OPERATOR INFO access GET /health 200")), text);
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }
}
