package io.portcullis.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * A further gateway node in a process of its own: the real WAR in an embedded Jetty 12, by default with the nodes'
 * configuration ({@code it.config}, so the same Redis and keys), on the reserved port {@code gw.extra.port}.
 * The test starts it, kills it by PID (SIGKILL, as a crash) and starts it again, while the nodes Maven
 * started keep serving. {@link #main} is what runs in the child JVM. Not thread-safe.
 */
public final class ExtraNode implements AutoCloseable {
    static final int PORT = Integer.getInteger("gw.extra.port", 0);
    private static final Duration READY_WITHIN = Duration.ofSeconds(90);

    private final Path work;
    /** The heap and collector of a node unless a test says otherwise. */
    static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xmx192m", "-XX:+UseSerialGC");

    private final int port;
    private final List<String> jvmOptions;
    private final List<String> systemProperties;
    private final String log;
    private Process process;

    /** The nodes' configuration ({@code it.config}): the same Redis and keys as the other nodes. */
    ExtraNode(Path work) {
        this(work, DEFAULT_JVM_OPTIONS, configuration());
    }

    /**
     * @param jvmOptions the child JVM's options, such as its heap size
     * @param systemProperties the node's {@code -D} options, which say what it runs (a configuration, the demo)
     */
    ExtraNode(Path work, List<String> jvmOptions, List<String> systemProperties) {
        this(work, PORT, jvmOptions, systemProperties, "extra");
    }

    /**
     * A node on {@code port} with the configuration file {@code config} (such as the nodes' configuration
     * pointed at another Redis); its log is {@code <name>-node.log} in {@code work}.
     */
    ExtraNode(Path work, int port, String config, String name) {
        this(work, port, DEFAULT_JVM_OPTIONS, List.of("-Dportcullis.config=" + config), name);
    }

    private ExtraNode(Path work, int port, List<String> jvmOptions, List<String> systemProperties, String name) {
        this.work = work;
        this.port = port;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.systemProperties = List.copyOf(systemProperties);
        this.log = name + "-node.log";
    }

    /** The system property that runs a node on the nodes' configuration ({@code it.config}). */
    static List<String> configuration() {
        return List.of("-Dportcullis.config=" + System.getProperty("it.config"));
    }

    /** The node as the tests address it. */
    GatewayNode node() {
        return new GatewayNode("extra", port);
    }

    /** Starts the child JVM and waits until the node reports ready. */
    void start() {
        if (port == 0) {
            throw new IllegalStateException("gw.extra.port is not set: run with mvn verify");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String war = Path.of(System.getProperty("portcullis.war", "target/portcullis.war"))
                .toAbsolutePath()
                .toString();
        try {
            Path temp = Files.createTempDirectory(work, "jetty");
            List<String> command = new java.util.ArrayList<>(List.of(java));
            command.addAll(jvmOptions);
            command.addAll(systemProperties);
            command.addAll(List.of(
                    "-cp",
                    System.getProperty("java.class.path"),
                    ExtraNode.class.getName(),
                    Integer.toString(port),
                    war,
                    temp.toString()));
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(
                            ProcessBuilder.Redirect.appendTo(work.resolve(log).toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the extra node", e);
        }
        long deadline = System.nanoTime() + READY_WITHIN.toNanos();
        while (!ready()) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "the extra node exited with " + process.exitValue() + "; see " + work.resolve(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the extra node was not ready within " + READY_WITHIN);
            }
            pause();
        }
    }

    /** Whether the child JVM is still running. */
    boolean alive() {
        return process != null && process.isAlive();
    }

    /** The PID of the running node. */
    long pid() {
        return process.pid();
    }

    /** SIGKILL to its PID, as a crash: no shutdown hook, no context listener runs. Waits until it is gone. */
    void kill() {
        ProcessHandle.of(process.pid()).ifPresent(ProcessHandle::destroyForcibly);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the extra node did not die");
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

    /** In the child JVM: {@code port war-file work-directory}. */
    public static void main(String[] args) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(Integer.parseInt(args[0]));
        server.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(args[1]);
        webapp.setTempDirectory(new File(args[2]));
        webapp.setThrowUnavailableOnStartupException(true);
        server.setHandler(webapp);
        server.start();
        server.join();
    }
}
