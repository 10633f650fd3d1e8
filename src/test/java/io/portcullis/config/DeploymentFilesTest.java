package io.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.Base64;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** The deployment files the project ships are valid: the compose stack's gateway config and tomcat-conf/. */
class DeploymentFilesTest {
    @TempDir
    Path dir;

    @Test
    void composeConfigWhenLoadedThenValidWithRedisAndTrustedLoadBalancer() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Path key = dir.resolve("k1.pem");
        Files.writeString(
                key,
                "-----BEGIN PRIVATE KEY-----\n"
                        + Base64.getMimeEncoder()
                                .encodeToString(
                                        generator.generateKeyPair().getPrivate().getEncoded())
                        + "\n-----END PRIVATE KEY-----\n");
        String yaml = Files.readString(Path.of("deploy/compose/portcullis.yaml"))
                .replace("/etc/portcullis/keys/k1.pem", key.toString());

        GatewayConfig config = new ConfigLoader(name -> null)
                .parse("compose", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), dir);

        assertEquals("redis", config.redis().uri().orElseThrow().getHost());
        // Only the load balancer's fixed address: another container on the network may not set the client address.
        assertTrue(config.gateway().trustedProxies().stream().anyMatch(range -> range.contains("172.28.0.10")));
        assertFalse(config.gateway().trustedProxies().stream().anyMatch(range -> range.contains("172.28.0.11")));
        assertEquals(2, config.routes().size());
    }

    @Test
    void tomcatConfWhenParsedThenWellFormedAndJsonErrorsOn() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        for (String file : new String[] {"server.xml", "context.xml", "tomcat-users.xml"}) {
            factory.newDocumentBuilder().parse(Path.of("tomcat-conf", file).toFile());
        }
        Document server = factory.newDocumentBuilder()
                .parse(Path.of("tomcat-conf/server.xml").toFile());
        assertEquals(
                "io.portcullis.tomcat.ProblemErrorReportValve",
                ((org.w3c.dom.Element) server.getElementsByTagName("Host").item(0))
                        .getAttribute("errorReportValveClass"));
    }
}
