package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A configuration that does not validate stops the deployment with a message naming each bad key. Runs
 * the real WAR in an embedded Tomcat inside the test JVM, so the failure can be observed directly.
 */
class BrokenConfigIT {

    @Test
    void deployWhenConfigHasUnknownKeyAndBadUpstreamThenContextFailsNamingBoth(@TempDir Path baseDir) throws Exception {
        Path config =
                Path.of(BrokenConfigIT.class.getResource("/broken-config.yaml").toURI());

        Deployment deployment = deploy(baseDir, config.toString());

        assertFalse(deployment.started(), "the context started");
        String messages = deployment.log();
        assertTrue(messages.contains("routes[0].upstream: not an http:// or https:// URL"), messages);
        assertTrue(messages.contains("htp:/nowhere"), messages);
        assertTrue(messages.contains("gateway.trusted-proxys: unknown key"), messages);
        assertTrue(messages.contains(config.toString()), "the message names the file: " + messages);
    }

    /** A WAR dropped into a container with no configuration is not the demo with alice/password123. */
    @Test
    void deployWhenNoConfigurationThenContextFailsWithOneLineSayingHowToConfigure(@TempDir Path baseDir)
            throws Exception {
        Deployment deployment = deploy(baseDir, null);

        assertFalse(deployment.started(), "the context started without a configuration");
        String messages = deployment.log();
        // The container logs the listener's exception; its message is the one line an operator reads.
        List<String> lines = messages.lines()
                .filter(line -> line.contains("No Portcullis configuration"))
                .toList();
        assertFalse(lines.isEmpty(), messages);
        String line = lines.get(0);
        assertTrue(
                line.contains("-Dportcullis.config=")
                        && line.contains("PORTCULLIS_CONFIG")
                        && line.contains("-Dportcullis.demo=true"),
                line);
    }

    private record Deployment(boolean started, String log) {}

    /** The real WAR as ROOT of an embedded Tomcat, with -Dportcullis.config set to {@code config} (or unset). */
    private static Deployment deploy(Path baseDir, String config) throws Exception {
        Path war = Path.of(System.getProperty("portcullis.war", "target/portcullis.war"));
        // Without these two, embedded Tomcat cannot unpack the WAR or looks for the JSP servlet.
        Files.createDirectories(baseDir.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setAddDefaultWebXmlToWebapp(false);
        Context context = tomcat.addWebapp("", war.toAbsolutePath().toString());
        RecordingHandler log = new RecordingHandler();
        Logger root = Logger.getLogger("");
        root.addHandler(log);
        String previous = config == null
                ? System.clearProperty("portcullis.config")
                : System.setProperty("portcullis.config", config);
        String previousDemo = System.clearProperty("portcullis.demo");
        try {
            tomcat.start();
            return new Deployment(context.getState().isAvailable(), log.text());
        } finally {
            restore("portcullis.config", previous);
            restore("portcullis.demo", previousDemo);
            root.removeHandler(log);
            tomcat.stop();
            tomcat.destroy();
        }
    }

    private static void restore(String name, String value) {
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
    }

    /** Collects every log record with its exception chain. */
    private static final class RecordingHandler extends Handler {
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
            for (Throwable t = record.getThrown(); t != null && t != t.getCause(); t = t.getCause()) {
                line.append(" | ").append(t);
            }
            lines.add(line.toString());
        }

        String text() {
            synchronized (lines) {
                return String.join("\n", lines);
            }
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    }
}
