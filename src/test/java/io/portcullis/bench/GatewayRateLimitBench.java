package io.portcullis.bench;

import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyVerifier;
import io.portcullis.auth.TokenIssuer;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.jwt.SigningKeys;
import io.portcullis.store.Stores;
import io.portcullis.testsupport.CommandCalls;
import io.portcullis.testsupport.RedisProcess;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

/**
 * Requests per second through rate-limited routes — anonymous, with a cached JWT, with an issued API key —
 * against a route with {@code rate-limit: off}, in one run of one gateway (embedded Tomcat with the exploded
 * WAR, {@code target/portcullis}) sharing a redis-server of its own, and the Redis commands each request cost,
 * from {@code INFO commandstats}: the client commands that can be round trips on these paths ({@code EVALSHA},
 * {@code HGETALL}) per request, and all commands per request (those a script runs inside included, heartbeat
 * {@code PING}s left out). The load comes from {@code wrk}. Not a test: run it by hand after
 * {@code mvn package}.
 *
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp target/test-classes:target/classes:$(cat target/cp.txt) io.portcullis.bench.GatewayRateLimitBench [seconds] [connections] [algorithm]
 * </pre>
 */
public final class GatewayRateLimitBench {
    private static final Pattern REQUESTS = Pattern.compile("(\\d+) requests in");
    private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");
    private static final String SECRET = "bench-only-hs256-secret-0123456789abcdef";

    private GatewayRateLimitBench() {}

    /** One measured path and the headers every request carries. */
    private record Scenario(String name, String path, List<String> headers) {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int connections = args.length > 1 ? Integer.parseInt(args[1]) : 16;
        String algorithm = args.length > 2 ? args[2] : "sliding-window";
        try (RedisProcess redis = RedisProcess.start()) {
            int port = freePort();
            Path config = Files.createTempFile("portcullis-bench", ".yaml");
            Files.writeString(config, """
                    gateway: { demo: true }
                    redis: { uri: "redis://127.0.0.1:%d", timeout: 2s }
                    auth: { users: memory, algorithm: HS256, signing-keys: [ { kid: bench, secret: "%s" } ] }
                    rate-limits: { algorithm: %s, default: { limit: 1000000000, window: 60s },
                                   anonymous: { limit: 1000000000, window: 60s } }
                    routes:
                      - { prefix: /limited, id: limited, upstream: "http://127.0.0.1:%d/_demo/echo", strip-prefix: true,
                          rate-limit: { limit: 1000000000, window: 60s } }
                      - { prefix: /jwt, upstream: "http://127.0.0.1:%d/_demo/echo", strip-prefix: true, auth: jwt }
                      - { prefix: /keyed, upstream: "http://127.0.0.1:%d/_demo/echo", strip-prefix: true, auth: api-key }
                      - { prefix: /unlimited, upstream: "http://127.0.0.1:%d/_demo/echo", strip-prefix: true,
                          rate-limit: off }
                    logging: { level: warn }
                    """.formatted(redis.port(), SECRET, algorithm, port, port, port, port));
            GatewayConfig parsed = new ConfigLoader().load(config);
            String token = new TokenIssuer(
                            SigningKeys.load(parsed.auth(), false, parsed.source()), parsed.auth(), Clock.systemUTC())
                    .issue("bench-user", TokenIssuer.randomId(), List.of("user"), List.of())
                    .token();
            String apiKey = "pk_bench_0123456789abcdef";
            try (Stores stores = Stores.create(parsed, Clock.systemUTC())) {
                awaitStore(stores);
                stores.apiKeys()
                        .create(new ApiKey(
                                "bench-key",
                                "bench-owner",
                                "bench",
                                ApiKeyVerifier.sha256Hex(apiKey),
                                List.of(),
                                Instant.now()))
                        .toCompletableFuture()
                        .join();
            }
            List<Scenario> scenarios = List.of(
                    new Scenario("rate limit, anonymous", "/limited/x", List.of()),
                    new Scenario("JWT (cached) + rate limit", "/jwt/x", List.of("Authorization: Bearer " + token)),
                    new Scenario("issued API key + rate limit", "/keyed/x", List.of("x-api-key: " + apiKey)),
                    new Scenario("no rate limit, anonymous", "/unlimited/x", List.of()));
            System.setProperty("portcullis.config", config.toString());
            Tomcat tomcat = new Tomcat();
            tomcat.setBaseDir(
                    Files.createTempDirectory("portcullis-bench-tomcat").toString());
            tomcat.setHostname("127.0.0.1");
            tomcat.setPort(port);
            tomcat.getConnector().setProperty("address", "127.0.0.1");
            tomcat.setAddDefaultWebXmlToWebapp(false);
            Context context = tomcat.addWebapp(
                    "", Path.of("target/portcullis").toAbsolutePath().toString());
            context.setParentClassLoader(GatewayRateLimitBench.class.getClassLoader());
            tomcat.start();
            try {
                String base = "http://127.0.0.1:" + port;
                awaitReady(base);
                for (Scenario scenario : scenarios) {
                    wrk(base + scenario.path(), scenario.headers(), 2, connections); // warm-up
                }
                List<String> lines = new ArrayList<>();
                for (Scenario scenario : scenarios) {
                    Map<String, Long> before = CommandCalls.of(redis);
                    String output = wrk(base + scenario.path(), scenario.headers(), seconds, connections);
                    Map<String, Long> after = CommandCalls.of(redis);
                    long requests = (long) number(REQUESTS, output);
                    Map<String, Long> spent = CommandCalls.since(before, after);
                    long all =
                            spent.values().stream().mapToLong(Long::longValue).sum();
                    lines.add(String.format(
                            "%-28s %8.0f req/s   EVALSHA/req %.3f   HGETALL/req %.3f   "
                                    + "all commands/req %.2f   (%d requests)",
                            scenario.name(),
                            number(RATE, output),
                            spent.getOrDefault("evalsha", 0L) / (double) requests,
                            spent.getOrDefault("hgetall", 0L) / (double) requests,
                            all / (double) requests,
                            requests));
                }
                System.out.println(
                        "algorithm " + algorithm + ", " + connections + " connections, " + seconds + " s each");
                lines.forEach(System.out::println);
            } finally {
                tomcat.stop();
                tomcat.destroy();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static void awaitStore(Stores stores) throws InterruptedException {
        for (int i = 0; i < 500 && !stores.health().ready(); i++) {
            Thread.sleep(20);
        }
    }

    private static void awaitReady(String base) throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newHttpClient();
        for (int i = 0; i < 100; i++) {
            int status = client.send(
                            java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + "/health/ready"))
                                    .build(),
                            java.net.http.HttpResponse.BodyHandlers.discarding())
                    .statusCode();
            if (status == 200) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the gateway did not become ready");
    }

    private static String wrk(String url, List<String> headers, int seconds, int connections) throws Exception {
        List<String> command = new ArrayList<>(List.of("wrk", "-t1", "-c" + connections, "-d" + seconds + "s"));
        for (String header : headers) {
            command.add("-H");
            command.add(header);
        }
        command.add(url);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        if (output.contains("Non-2xx")) {
            throw new IllegalStateException(url + ": some answers were not 2xx:\n" + output);
        }
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
