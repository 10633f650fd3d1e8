package io.portcullis.waf;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code waf-report}: reads a gateway log and summarises which WAF rules blocked or would have blocked what,
 * per rule and per route, for deciding whether a route running {@code waf.mode: detect} can be switched to
 * {@code block} (and which exclusions it needs first). Reads the WAF's own lines ({@code WAF blocked request …},
 * {@code WAF detected (not blocked) request …}) and takes each request's route from its access-log line.
 *
 * <pre>java -cp portcullis.jar io.portcullis.waf.Report access.log</pre>
 */
public final class Report {
    private static final Pattern WAF = Pattern.compile(
            "WAF (blocked|detected \\(not blocked\\)) request (\\S+?): score (\\d+) rules (\\S*) matches \\[(.*)]");
    private static final Pattern ACCESS_ID = Pattern.compile("request_id=\"([^\"]*)\"");
    private static final Pattern ACCESS_ROUTE = Pattern.compile("route=\"([^\"]*)\"");
    private static final Pattern ACCESS_PATH = Pattern.compile("path=\"([^\"]*)\"");

    /** Counts for one rule or one route. */
    private static final class Tally {
        int blocked;
        int detected;
        final Map<String, Integer> where = new TreeMap<>();

        void count(boolean block) {
            if (block) {
                blocked++;
            } else {
                detected++;
            }
        }

        void add(boolean block, String where) {
            count(block);
            note(where);
        }

        void note(String where) {
            this.where.merge(where, 1, Integer::sum);
        }
    }

    private Report() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java -cp portcullis.jar io.portcullis.waf.Report <log file>");
            System.exit(2);
        }
        try (Stream<String> lines = Files.lines(Path.of(args[0]), StandardCharsets.UTF_8)) {
            summarise(lines.toList(), System.out);
        }
    }

    /** Writes the summary of the log lines to {@code out}. */
    static void summarise(List<String> lines, PrintStream out) {
        Map<String, String> routeOf = new HashMap<>();
        for (String line : lines) {
            Matcher id = ACCESS_ID.matcher(line);
            if (id.find()) {
                Matcher route = ACCESS_ROUTE.matcher(line);
                Matcher path = ACCESS_PATH.matcher(line);
                routeOf.put(id.group(1), route.find() ? route.group(1) : path.find() ? path.group(1) : "?");
            }
        }
        Map<String, Tally> rules = new TreeMap<>();
        Map<String, Tally> routes = new TreeMap<>();
        int requests = 0;
        for (String line : lines) {
            Matcher waf = WAF.matcher(line);
            if (!waf.find()) {
                continue;
            }
            requests++;
            boolean block = waf.group(1).equals("blocked");
            String route = routeOf.getOrDefault(waf.group(2), "?");
            Tally byRoute = routes.computeIfAbsent(route, k -> new Tally());
            byRoute.count(block);
            for (String rule : waf.group(4).split(",")) {
                if (!rule.isEmpty()) {
                    byRoute.note(rule);
                }
            }
            for (String match : waf.group(5).split(", ")) {
                int at = match.indexOf('@');
                if (at > 0) {
                    String target = match.substring(at + 1).replaceFirst(" \\(prose\\)$", "");
                    rules.computeIfAbsent(match.substring(0, at), k -> new Tally())
                            .add(block, route + " " + target);
                }
            }
        }
        out.printf("%d requests over the threshold (blocked or detected)%n%n", requests);
        out.println("by route: blocked / detected, then the rules involved");
        routes.forEach((route, t) -> out.printf("  %-24s %5d / %5d  %s%n", route, t.blocked, t.detected, t.where));
        out.println();
        out.println("by rule: blocked / detected, then route and target with counts");
        rules.forEach((rule, t) -> out.printf("  %-8s %5d / %5d  %s%n", rule, t.blocked, t.detected, t.where));
    }
}
