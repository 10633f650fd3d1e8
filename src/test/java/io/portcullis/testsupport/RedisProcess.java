package io.portcullis.testsupport;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} child process on a free loopback port, for tests and the benchmark. The binary
 * is {@code $REDIS_SERVER}, else {@code redis-server} on the PATH, else the one bundled in
 * {@code com.github.codemonstur:embedded-redis}. Bound to 127.0.0.1; no persistence, unless started from a
 * configuration file ({@link #start(int, Path)}), whose persistence settings it then keeps. It can be stopped
 * (SIGTERM to its PID), killed (SIGKILL) and started again on the same port and data directory, for outage
 * tests. Not thread-safe: one test thread drives it.
 */
public final class RedisProcess implements AutoCloseable {
    private static final long START_TIMEOUT_MS = 10_000;
    private static final long STOP_TIMEOUT_MS = 5_000;

    private final String binary;
    private final int port;
    private final Path dir;
    private final Path config;
    private final List<String> extra;
    private Process process;

    private RedisProcess(String binary, int port, Path dir, Path config, List<String> extra) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
        this.config = config;
        this.extra = List.copyOf(extra);
    }

    /**
     * Starts a server on a free loopback port with {@code arguments} after the defaults (for a Cluster node:
     * {@code --cluster-enabled yes}; for a replica: {@code --replicaof 127.0.0.1 <port>}).
     */
    public static RedisProcess startWith(List<String> arguments) {
        try {
            Path dir = Files.createTempDirectory("portcullis-redis");
            RedisProcess redis = new RedisProcess(findBinary(), freePort(), dir, null, arguments);
            redis.startAgain();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Starts a Sentinel on a free loopback port from {@code configuration} (lines of a sentinel.conf, which
     * Sentinel rewrites, so it is written to the process's own directory).
     */
    public static RedisProcess startSentinel(List<String> configuration) {
        try {
            Path dir = Files.createTempDirectory("portcullis-sentinel");
            Path file = Files.write(dir.resolve("sentinel.conf"), configuration);
            RedisProcess redis = new RedisProcess(findBinary(), freePort(), dir, file, List.of("--sentinel"));
            redis.startAgain();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server on a free loopback port and waits until it answers PING. */
    public static RedisProcess start() {
        try {
            return start(freePort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts a server on {@code port} (one reserved by the build) and waits until it answers PING. */
    public static RedisProcess start(int port) {
        return start(port, null);
    }

    /**
     * Starts a server on {@code port} with the settings of the configuration file {@code config} (the
     * project's {@code redis/redis.conf}: AOF on), except its address, port and data directory, which are
     * 127.0.0.1, {@code port} and a new temporary directory.
     */
    public static RedisProcess start(int port, Path config) {
        try {
            Path dir = Files.createTempDirectory("portcullis-redis");
            Path copy = null;
            if (config != null) {
                // Redis changes into "dir" while it reads the file, before the command line can override it.
                copy = Files.write(
                        dir.resolve("redis.conf"),
                        Files.readAllLines(config).stream()
                                .filter(line -> !line.trim().startsWith("dir "))
                                .toList());
            }
            RedisProcess redis = new RedisProcess(findBinary(), port, dir, copy, List.of());
            redis.startAgain();
            return redis;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int port() {
        return port;
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** The data directory, kept across restarts (the AOF files live here when persistence is on). */
    public Path dir() {
        return dir;
    }

    /** The PID of the running server. */
    public long pid() {
        if (!running()) {
            throw new IllegalStateException("redis-server is not running");
        }
        return process.pid();
    }

    public String binary() {
        return binary;
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Starts the server again on the same port (after {@link #stop} or {@link #kill}). */
    public void startAgain() {
        if (running()) {
            return;
        }
        try {
            List<String> command = new ArrayList<>();
            command.add(binary);
            if (config == null) {
                command.addAll(List.of("--save", "", "--appendonly", "no"));
            } else {
                // Arguments after the file override it.
                command.add(config.toString());
            }
            command.addAll(List.of(
                    "--port",
                    Integer.toString(port),
                    "--bind",
                    "127.0.0.1",
                    "--dir",
                    dir.toString(),
                    "--daemonize",
                    "no"));
            command.addAll(extra);
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + binary, e);
        }
        long deadline = System.currentTimeMillis() + START_TIMEOUT_MS;
        while (System.currentTimeMillis() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(binary + " exited with " + process.exitValue() + "; see " + dir);
            }
            try {
                if ("PONG".equals(command("PING"))) {
                    return;
                }
            } catch (IOException notYet) {
                sleep(20);
            }
        }
        throw new IllegalStateException(binary + " did not answer PING on port " + port + " within 10 s");
    }

    /** Stops the server with SIGTERM to its PID (SIGKILL after 5 s), and waits until it is gone. */
    public void stop() {
        end(false);
    }

    /** Kills the server with SIGKILL to its PID, as a crash would. */
    public void kill() {
        end(true);
    }

    /** Freezes the server (SIGSTOP to its PID): connections stay open but nothing answers, as in a hang. */
    public void pause() {
        signal("-STOP");
    }

    /** Lets a {@link #pause paused} server run again (SIGCONT). */
    public void resume() {
        signal("-CONT");
    }

    private void signal(String signal) {
        if (process == null || !process.isAlive()) {
            throw new IllegalStateException("redis-server is not running");
        }
        try {
            Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid()))
                    .inheritIO()
                    .start();
            if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void end(boolean forcibly) {
        if (process == null || !process.isAlive()) {
            return;
        }
        ProcessHandle handle = process.toHandle();
        if (!forcibly) {
            // A paused server would not act on SIGTERM until resumed.
            try {
                new ProcessBuilder("kill", "-CONT", Long.toString(process.pid()))
                        .start()
                        .waitFor(5, TimeUnit.SECONDS);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (forcibly) {
            handle.destroyForcibly();
        } else {
            handle.destroy();
        }
        try {
            if (!process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                handle.destroyForcibly();
                process.waitFor(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Sends one command with a plain RESP client and returns the reply as text (simple string, integer or
     * bulk string; arrays are not read).
     */
    public String command(String... args) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$')
                        .append(arg.getBytes(StandardCharsets.UTF_8).length)
                        .append("\r\n")
                        .append(arg)
                        .append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String line = readLine(in);
            switch (line.charAt(0)) {
                case '+', ':' -> {
                    return line.substring(1);
                }
                case '-' -> throw new IOException("Redis error: " + line.substring(1));
                case '$' -> {
                    int length = Integer.parseInt(line.substring(1));
                    return length < 0 ? null : new String(in.readNBytes(length + 2), StandardCharsets.UTF_8).trim();
                }
                default -> throw new IOException("unexpected reply: " + line);
            }
        }
    }

    /** One field of {@code INFO}, such as {@code total_commands_processed}. */
    public long infoField(String section, String field) throws IOException {
        for (String line : command("INFO", section).split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim());
            }
        }
        throw new IOException("INFO " + section + " has no " + field);
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != -1; b = in.read()) {
            if (b == '\n') {
                break;
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        if (line.size() == 0) {
            throw new IOException("connection closed");
        }
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        stop();
    }

    private static String findBinary() throws IOException {
        String configured = System.getenv("REDIS_SERVER");
        if (configured != null && !configured.isBlank()) {
            return configured;
        }
        String path = System.getenv("PATH");
        if (path != null) {
            for (String directory : path.split(File.pathSeparator)) {
                File candidate = new File(directory, "redis-server");
                if (candidate.isFile() && candidate.canExecute()) {
                    return candidate.getAbsolutePath();
                }
            }
        }
        // No Redis installed: the binary bundled with embedded-redis, run as our own child process.
        File bundled =
                redis.embedded.core.ExecutableProvider.newJarResourceProvider().get();
        if (!bundled.canExecute() && !bundled.setExecutable(true)) {
            throw new IOException("cannot make " + bundled + " executable");
        }
        return bundled.getAbsolutePath();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
