package io.portcullis.bench;

import io.portcullis.testsupport.RedisProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * Requests per second through a rate-limited route against a route with {@code rate-limit: off}, in one run
 * of one gateway (embedded Tomcat with the exploded WAR, {@code target/portcullis}) sharing a redis-server of
 * its own, and the EVALSHA calls Redis counted per limited request. The load comes from {@code wrk}. Not a
 * test: run it by hand after {@code mvn package}.
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.portcullis.bench.GatewayRateLimitBench [seconds] [connections] [algorithm]
 * </pre>
 */
public final class GatewayRateLimitBench {
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");

    private GatewayRateLimitBench() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        String algorithm = args.length > 2 ? args[2] : "sliding-window";
        try (RedisProcess redis = RedisProcess.start()) {
            int port = freePort();
            Path config = Files.createTempFile("portcullis-bench", ".yaml");
            Files.writeString(config, """
                    gateway: { demo: true }
                    redis: { uri: "redis://127.0.0.1:%d" }
                    rate-limits: { algorithm: %s, anonymous: { limit: 1000000000, window: 60s } }
                    routes:
                      - { prefix: /limited, id: limited, upstream: "http://127.0.0.1:%d/_demo/echo", strip-prefix: true,
                          rate-limit: { limit: 1000000000, window: 60s } }
                      - { prefix: /unlimited, upstream: "http://127.0.0.1:%d/_demo/echo", strip-prefix: true,
                          rate-limit: off }
                    logging: { level: warn }
                    """.formatted(redis.port(), algorithm, port, port));
            System.setProperty("portcullis.config", config.toString());
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(Files.createTempDirectory("portcullis-bench-tomcat").toString());
            tomcat.setHostname("127.0.0.1");
            tomcat.setPort(port);
            tomcat.getConnector().setProperty("address", "127.0.0.1");
            tomcat.setAddDefaultWebXmlToWebapp(false);
            Context context = tomcat.addWebapp("", Path.of("target/portcullis").toAbsolutePath().toString());
            context.setParentClassLoader(GatewayRateLimitBench.class.getClassLoader());
            tomcat.start();
            try {
                String base = "http://127.0.0.1:" + port;
                awaitReady(base);
                wrk(base + "/unlimited/x", 2, connections); // warm-up, both paths
                wrk(base + "/limited/x", 2, connections);
                long evalBefore = calls(redis, "cmdstat_evalsha");
                long allBefore = calls(redis, "");
                String limited = wrk(base + "/limited/x", seconds, connections);
                long evalAfter = calls(redis, "cmdstat_evalsha");
                long allAfter = calls(redis, "");
                long unlimitedBefore = calls(redis, "");
                String unlimited = wrk(base + "/unlimited/x", seconds, connections);
                long unlimitedAfter = calls(redis, "");
                double limitedRate = number(RATE, limited);
                double unlimitedRate = number(RATE, unlimited);
                long limitedRequests = (long) number(REQUESTS, limited);
                System.out.printf("rate-limited: %.0f req/s, unlimited: %.0f req/s, ratio %.2f%n", limitedRate,
                        unlimitedRate, limitedRate / unlimitedRate);
                System.out.printf("EVALSHA per limited request: %d / %d = %.3f%n", evalAfter - evalBefore,
                        limitedRequests, (evalAfter - evalBefore) / (double) limitedRequests);
                // Less the INFO call itself; commands a script runs are counted too.
                System.out.printf("commands Redis received per limited request (the script's own included): %.3f;"
                        + " during the unlimited run: %d%n", (allAfter - allBefore - 1) / (double) limitedRequests,
                        unlimitedAfter - unlimitedBefore - 1);
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }

    /** The calls of one command ({@code cmdstat_<name>}), or of every command when {@code stat} is empty. */
    private static long calls(RedisProcess redis, String stat) throws IOException {
        long total = 0;
        for (String line : redis.command("INFO", "commandstats").split("\r?\n")) {
            Matcher matcher = Pattern.compile("^(cmdstat_[a-z|_-]+):calls=(\\d+)").matcher(line);
            if (matcher.find() && (stat.isEmpty() || matcher.group(1).equals(stat))) {
                total += Long.parseLong(matcher.group(2));
            }
        }
        return total;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitReady(String base) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            int status = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/health/ready"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the gateway did not become ready");
    }

    private static String wrk(String url, int seconds, int connections) throws Exception {
        Process process = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", url)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        System.out.println(url + "\n" + output);
        return output;
    }

    private static double number(Pattern pattern, String text) {
        Matcher matcher = pattern.matcher(text);
        if (!matcher.find()) {
            throw new IllegalStateException("wrk said: " + text);
        }
        return Double.parseDouble(matcher.group(1));
    }
}
