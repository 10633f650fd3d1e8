package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.waf.CorpusRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The WAF corpora through the real WAR on every node: each case of the OWASP CRS dev corpus and of the
 * benign corpus is written byte for byte on its own connection (raw sockets, because {@code HttpClient}
 * refuses to set {@code Host} and normalises request targets) to {@code /waf} + its {@code uri}, a route
 * to upstream "a", {@link #CONCURRENCY} at a time. A refusal by the gateway (403, 400 for a request path it
 * refuses to forward (see docs/routing.md), or 400 / 413 / 415 for a body it does not accept) counts as blocked. A 4xx without the gateway's {@code X-Request-Id} never reached
 * the WAR: the container refused it, and it counts as not blocked. Prints the table and writes it, with the
 * misses, under {@code target/waf-corpus/}.
 */
@GatewayIT
class WafCorpusIT {
    /** The target, for every category of PL1 attack cases, on every container. */
    private static final double PL1_DETECTION_FLOOR = 0.90;

    private static final double BENIGN_BLOCK_CEILING = 0.01;
    private static final String BASE_PATH = "/waf";
    private static final int CONCURRENCY = 8;
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration RUN_LIMIT = Duration.ofSeconds(45);
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
    private static final int NO_ANSWER = -1;

    /** What came back for one case: the status ({@link #NO_ANSWER} for none), and whether the WAR answered. */
    record Outcome(CorpusRequest spec, int status, boolean fromGateway, String failure) {
        /** Refused by the gateway: a rule's 403, a path it cannot forward (400), or a body it does not accept (400, 413, 415). */
        boolean blocked() {
            return fromGateway && (status == 403 || status == 400 || status == 413 || status == 415);
        }

        boolean rejectedByContainer() {
            return !fromGateway && status >= 400 && status < 500;
        }

        String describe() {
            String answer = status == NO_ANSWER
                    ? "no answer (" + failure + ")"
                    : status + (fromGateway ? "" : " from the container");
            return spec.id() + " " + spec.method() + " " + spec.uri() + " -> " + answer;
        }
    }

    @OnEachNode
    void crsCorpusWhenSentThroughTheWarThenEveryPl1CategoryMeetsTheTarget(GatewayNode node) throws Exception {
        List<Outcome> outcomes = sendAll(node, CorpusRequest.load("/waf/crs-dev.jsonl"));

        Map<String, Tally> tallies = new TreeMap<>();
        for (Outcome outcome : outcomes) {
            CorpusRequest spec = outcome.spec();
            String key = spec.category() + " PL" + spec.paranoia() + (spec.expectBlock() ? " block" : " allow");
            tallies.computeIfAbsent(key, k -> new Tally()).add(outcome);
        }
        StringBuilder report = new StringBuilder(node.name() + ": OWASP CRS dev corpus through the WAR\n")
                .append(String.format(
                        "%-40s %5s %8s %7s %9s  %s%n",
                        "category / paranoia / expect", "cases", "blocked", "rate", "container", "other answers"));
        tallies.forEach((key, tally) -> report.append(tally.row(key)));
        Tally pl1Attacks = sum(tallies, " PL1 block");
        Tally pl1Allow = sum(tallies, " PL1 allow");
        Tally allAllow = sum(tallies, " allow");
        report.append(pl1Attacks.row("all PL1 block"))
                .append(pl1Allow.row("all PL1 allow (informative)"))
                .append(allAllow.row("all allow (informative)"))
                .append(sum(tallies, "").row("all cases"));
        report.append("\nPL1 misses:\n");
        outcomes.stream()
                .filter(o -> o.spec().expectBlock() && o.spec().paranoia() == 1 && !o.blocked())
                .forEach(o -> report.append(o.describe()).append('\n'));
        report.append("\nrefused by the container, no answer, or 5xx:\n");
        outcomes.stream()
                .filter(o -> o.rejectedByContainer() || o.status() == NO_ANSWER || o.status() >= 500)
                .forEach(o -> report.append(o.describe()).append('\n'));
        write(node, "crs", report.toString());
        System.out.print(report.substring(0, report.indexOf("\nPL1 misses:")) + "\n");

        assertNoDefects(outcomes);
        List<String> failures = new ArrayList<>();
        tallies.forEach((key, tally) -> {
            if (key.endsWith(" PL1 block") && tally.rate() < PL1_DETECTION_FLOOR) {
                failures.add(String.format(
                        "%s: %d / %d blocked (%.1f%%), %d refused by the container",
                        key, tally.blocked, tally.cases, 100 * tally.rate(), tally.container));
            }
        });
        assertTrue(failures.isEmpty(), node + ": PL1 detection under " + 100 * PL1_DETECTION_FLOOR + "%: " + failures);
    }

    @OnEachNode
    void benignCorpusWhenSentThroughTheWarThenAlmostNothingIsBlocked(GatewayNode node) throws Exception {
        List<Outcome> outcomes = sendAll(node, CorpusRequest.load("/waf/benign.jsonl"));

        Tally tally = new Tally();
        outcomes.forEach(tally::add);
        StringBuilder report =
                new StringBuilder(node.name() + ": benign corpus through the WAR\n").append(tally.row("benign"));
        report.append("\nblocked, refused by the container, no answer, or 5xx:\n");
        outcomes.stream()
                .filter(o -> o.blocked() || !o.fromGateway() || o.status() >= 500)
                .forEach(o -> report.append(o.describe()).append('\n'));
        write(node, "benign", report.toString());
        System.out.print(report);

        assertNoDefects(outcomes);
        assertTrue(outcomes.size() >= 300, "the benign corpus must hold at least 300 requests");
        assertTrue(tally.blocked <= BENIGN_BLOCK_CEILING * tally.cases, node + ": " + report);
    }

    /** A 5xx or a request the node never answered is a defect whatever the case expects. */
    private static void assertNoDefects(List<Outcome> outcomes) {
        List<String> defects = outcomes.stream()
                .filter(o -> o.status() >= 500 || o.status() == NO_ANSWER)
                .map(Outcome::describe)
                .toList();
        assertTrue(defects.isEmpty(), defects.size() + " cases answered 5xx or not at all: " + defects);
    }

    /** Sends every case, {@link #CONCURRENCY} at a time, and returns the outcomes in corpus order. */
    private static List<Outcome> sendAll(GatewayNode node, List<CorpusRequest> cases) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CONCURRENCY);
        try {
            List<Future<Outcome>> futures = new ArrayList<>();
            for (CorpusRequest spec : cases) {
                futures.add(pool.submit(() -> send(node, spec)));
            }
            long deadline = System.nanoTime() + RUN_LIMIT.toNanos();
            List<Outcome> outcomes = new ArrayList<>();
            for (Future<Outcome> future : futures) {
                try {
                    outcomes.add(future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                } catch (TimeoutException e) {
                    throw new AssertionError(node + ": the corpus did not finish within " + RUN_LIMIT, e);
                } catch (ExecutionException e) {
                    throw new AssertionError(node + ": sending a case failed", e.getCause());
                }
            }
            return outcomes;
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(READ_TIMEOUT.toSeconds() + 5, TimeUnit.SECONDS);
        }
    }

    private static Outcome send(GatewayNode node, CorpusRequest spec) {
        try {
            Http.RawResponse response =
                    Http.raw(InetAddress.getLoopbackAddress(), node, requestBytes(node, spec), READ_TIMEOUT);
            return new Outcome(spec, response.status(), response.headers().containsKey("x-request-id"), null);
        } catch (UncheckedIOException e) {
            return new Outcome(spec, NO_ANSWER, false, e.getCause().toString());
        }
    }

    /**
     * The case as HTTP/1.1 bytes: its method and {@code /waf} + uri, its headers in order (a
     * {@link #defaultHost} first when it names none), {@code Content-Length} from the UTF-8 body, and {@code Connection: close}.
     */
    static byte[] requestBytes(GatewayNode node, CorpusRequest spec) {
        StringBuilder head = new StringBuilder(spec.method())
                .append(' ')
                .append(BASE_PATH)
                .append(spec.uri())
                .append(" HTTP/1.1\r\n");
        if (spec.header("Host") == null) {
            head.append("Host: ").append(defaultHost(node)).append("\r\n");
        }
        spec.headers()
                .forEach(h -> head.append(h.getKey())
                        .append(": ")
                        .append(h.getValue())
                        .append("\r\n"));
        if (spec.body().length > 0 || BODY_METHODS.contains(spec.method())) {
            head.append("Content-Length: ").append(spec.body().length).append("\r\n");
        }
        head.append("Connection: close\r\n\r\n");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.writeBytes(head.toString().getBytes(StandardCharsets.UTF_8));
        bytes.writeBytes(spec.body());
        return bytes.toByteArray();
    }

    /**
     * The {@code Host} of a case that names none: a host name, as the CRS test runner sends
     * ({@code localhost}). The node's numeric authority would add rule 920350 (Host is an IP address) to
     * every case, a weak signal that tips other weak ones over the threshold.
     */
    private static String defaultHost(GatewayNode node) {
        return "localhost:" + node.port();
    }

    private static Tally sum(Map<String, Tally> tallies, String suffix) {
        Tally total = new Tally();
        tallies.forEach((key, tally) -> {
            if (key.endsWith(suffix)) {
                total.addAll(tally);
            }
        });
        return total;
    }

    private static void write(GatewayNode node, String name, String text) throws IOException {
        Path dir = Path.of("target", "waf-corpus");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("it-" + node.name() + "-" + name + ".txt"), text, StandardCharsets.UTF_8);
    }

    /** Counts for one table row; the other answers by status. Not thread-safe: filled after the run. */
    private static final class Tally {
        int cases;
        int blocked;
        int container;
        final Map<String, Integer> others = new TreeMap<>();

        void add(Outcome outcome) {
            cases++;
            if (outcome.blocked()) {
                blocked++;
            } else if (outcome.rejectedByContainer()) {
                container++;
            } else {
                String status = outcome.status() == NO_ANSWER ? "none" : String.valueOf(outcome.status());
                others.merge(outcome.fromGateway() ? status : status + "(container)", 1, Integer::sum);
            }
        }

        void addAll(Tally other) {
            cases += other.cases;
            blocked += other.blocked;
            container += other.container;
            other.others.forEach((status, count) -> others.merge(status, count, Integer::sum));
        }

        double rate() {
            return cases == 0 ? 0 : (double) blocked / cases;
        }

        String row(String label) {
            StringBuilder rest = new StringBuilder();
            others.forEach((status, count) ->
                    rest.append(status).append('×').append(count).append(' '));
            return String.format(
                    "%-40s %5d %8d %6.1f%% %9d  %s%n",
                    label,
                    cases,
                    blocked,
                    100 * rate(),
                    container,
                    rest.toString().trim());
        }
    }
}
