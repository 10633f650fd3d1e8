package io.portcullis.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Tomcat;

/**
 * A gateway node in a process of its own running the real WAR in Tomcat 10.1 (embedded Tomcat from
 * {@code tomcat-embed-core}, the version of the Cargo node): the WAR deployed as the ROOT context, one HTTP
 * connector on loopback with the attributes of the shipped {@code tomcat-conf/server.xml} that change what a
 * request may carry (header size, relaxed query characters, no {@code Server} header) and its error report
 * valve. The configuration comes from {@code -Dportcullis.config}. Beside {@link ExtraNode} (Jetty), so that a
 * test on a Redis rig runs the WAR on both containers; it is started, killed by PID and closed the same way.
 * {@link #main} is what runs in the child JVM. Not thread-safe.
 */
final class TomcatNode implements AutoCloseable {
    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    private final Path work;
    private final int port;
    private final String config;
    private final String log;
    private Process process;

    /**
     * A node on {@code port} with the configuration file {@code config}; its log is {@code <name>-node.log}
     * in {@code work}.
     */
    TomcatNode(Path work, int port, String config, String name) {
        this.work = work;
        this.port = port;
        this.config = config;
        this.log = name + "-node.log";
    }

    /** The node as the tests address it. */
    GatewayNode node() {
        return new GatewayNode("tomcat-" + port, port);
    }

    /** Starts the child JVM and waits until the node reports ready. */
    void start() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String war = Path.of(System.getProperty("portcullis.war", "target/portcullis.war"))
                .toAbsolutePath()
                .toString();
        try {
            Path base = Files.createTempDirectory(work, "tomcat");
            List<String> command = new ArrayList<>(List.of(java));
            command.addAll(ExtraNode.DEFAULT_JVM_OPTIONS);
            command.addAll(List.of(
                    "-Dportcullis.config=" + config,
                    "-cp",
                    System.getProperty("java.class.path"),
                    TomcatNode.class.getName(),
                    Integer.toString(port),
                    war,
                    base.toString()));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(
                            ProcessBuilder.Redirect.appendTo(work.resolve(log).toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Tomcat node", e);
        }
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (!ready()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the Tomcat node exited with " + process.exitValue() + "; see " + work.resolve(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the Tomcat node was not ready within " + READY_WITHIN + "; see " + work.resolve(log));
            }
            pause();
        }
    }

    /** SIGKILL to its PID, as a crash. Waits until it is gone. */
    void kill() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the Tomcat node did not die");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean ready() {
        try {
            HttpResponse<Void> response = Http.CLIENT.send(
                    HttpRequest.newBuilder(node().uri("/health/ready"))
                            .timeout(Duration.ofSeconds(2))
                            .build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void pause() {
        try {
            Thread.sleep(200);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            kill();
        }
    }

    /** In the child JVM: {@code port war-file base-directory}. Exits when the WAR fails to start. */
    public static void main(String[] args) throws Exception {
        Path base = Path.of(args[2]);
        Files.createDirectories(base.resolve("webapps"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        // The WAR maps its own servlets; Tomcat's default web.xml would add a JSP servlet this classpath lacks.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        tomcat.setPort(Integer.parseInt(args[0]));
        Connector connector = tomcat.getConnector();
        connector.setProperty("address", "127.0.0.1");
        connector.setProperty("maxHttpHeaderSize", "32768");
        connector.setProperty("relaxedQueryChars", "[]|{}^\\`\"<>");
        connector.setProperty("server", "");
        connector.setMaxPostSize(-1);
        ((StandardHost) tomcat.getHost()).setErrorReportValveClass("io.portcullis.tomcat.ProblemErrorReportValve");
        Context context = tomcat.addWebapp("", args[1]);
        tomcat.start();
        if (context.getState() != LifecycleState.STARTED) {
            System.err.println("the WAR did not start: " + context.getState());
            tomcat.stop();
            System.exit(1);
        }
        tomcat.getServer().await();
    }
}
