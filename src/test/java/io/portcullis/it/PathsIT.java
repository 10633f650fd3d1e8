package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The path the gateway routes on is the path the upstream resolves. Hostile spellings of a path (dot-segments,
 * path parameters, encoded separators, double and overlong encodings, …) are sent exactly as written over a raw
 * socket, through every node, to real servlet containers (Tomcat and Jetty, see {@link ResolvingUpstreams}) that
 * report the path they resolved. Each route family has an open route and an {@code auth: jwt} route below it
 * ({@code admin}); no request carries a token. Whatever the spelling, the gateway either refuses the path (400
 * or 404 problem+json, or the WAF's 403), or applies the protected route (401), or forwards it through the open
 * route, and then the upstream resolves it under that route's space and never under the protected one. A 400
 * without the gateway's request id is the container refusing the request line before the web application
 * (Jetty 12 does so for most ambiguous paths): that request reached nothing either.
 */
@GatewayIT
class PathsIT {
    /** A route family: the open prefix, and where its requests and those of {prefix}/admin land upstream. */
    private record Family(String prefix, String openSpace, String adminSpace) {}

    private static final List<Family> FAMILIES = List.of(
            new Family("/e", "/e", "/e/admin"), // Tomcat, forwarded as written
            new Family("/j", "/open", "/admin"), // Jetty, prefix stripped, a base path per route
            new Family("/p", "/p", "/p/admin")); // Jetty, path parameters allowed on the open route

    /** Spellings of paths that reach {@code {p}/admin} in some container's reading; {p} is the family's prefix. */
    private static final List<String> HOSTILE = List.of(
            "{p}/./admin%3B/x",
            "{p}/./admin%3b/x",
            "{p}/admin;/x",
            "{p}/admin;jsessionid=0123/x",
            "{p}/admin;x=1",
            "{p};x=1/admin/x",
            "{p}/public/./..%3B/admin/x",
            "{p}/x/..;/admin/x",
            "{p}/x/..;x=1/admin/x",
            "{p}/x/../admin/x",
            "{p}/x/./../admin/x",
            "{p}/x/%2e%2e/admin/x",
            "{p}/x/%2E%2e/admin/x",
            "{p}/x/.%2e/admin/x",
            "{p}/x/%2e./admin/x",
            "{p}/%2e/admin/x",
            "{p}/x/%252e%252e/admin/x",
            "{p}/%252e/admin/x",
            "{p}/x/%25%32%65%25%32%65/admin/x",
            "{p}/x/%c0%ae%c0%ae/admin/x",
            "{p}/%c0%afadmin/x",
            "{p}/x/%e0%80%ae%e0%80%ae/admin/x",
            "{p}//admin/x",
            "{p}///admin//x",
            "{p}/admin./x",
            "{p}/admin../x",
            "{p}/admin%2e/x",
            "{p}/admin.%2e/x",
            "{p}/admin%20/x",
            "{p}/admin%09/x",
            "{p}%5cadmin/x",
            "{p}/x%5c..%5cadmin/x",
            "{p}/x%5C..%5Cadmin/x",
            "{p}/x\\..\\admin/x",
            "{p}%2fadmin/x",
            "{p}/x%2f..%2fadmin/x",
            "{p}/x%2F..%2Fadmin/x",
            "{p}/admin%00/x",
            "{p}/x/..%00/admin/x",
            "{p}/admin%2500/x",
            "{p}/x/..%0d/admin/x",
            "{p}/x/..%ff/admin/x",
            "{p}/%u002e%u002e/admin/x",
            "{p}/x/%u2215admin/x",
            "{p}/adm%69n/x",
            "{p}/%61dmin;/x",
            "{p}/ADMIN/x",
            "{p}/admin/../admin/x",
            "{p}/admin/x/../../admin/x",
            "{p}/x/y/../../admin/x",
            "{p}/admin%3B%2F..%2Fx/../x",
            "{p}/..",
            "/..{p}/admin/x",
            "/.{p}/admin/x",
            "/%2e{p}/admin/x",
            "{p}/x/..;/..;/admin/x",
            "{p}/x/..%2f../admin/x",
            "{p}/%2e%2e%2fadmin/x",
            "{p}/.;/admin/x",
            "{p};/admin/x",
            "{p}/;/admin/x",
            "{p}/admin/;/x",
            "{p}/admin%3Bx=1/x",
            "{p}/admin%253B/x",
            "{p}/admin%ef%bc%8fx",
            "{p}/%ef%bc%8e%ef%bc%8e/admin/x");

    /** Paths no container should read one way only; each is refused by the container or by the gateway. */
    private static final List<String> AMBIGUOUS = List.of(
            "/e/a%3Bb",
            "/e/a%2Fb",
            "/e/a%2fb",
            "/e/a%5Cb",
            "/e/a%00b",
            "/e/a%252eb",
            "/e/%2e%2e/x",
            "/e/x/%2E/y",
            "/e/%c0%ae%c0%ae/x",
            "/e/a%ffb",
            "/e/a%zzb",
            "/e/x/..;/y",
            "/e/../..",
            "/e/x%5c..%5cadmin",
            "/e/a%0db");

    private static ResolvingUpstreams upstreams;
    private static Server lenientServer;
    private static GatewayNode lenientJetty;

    @BeforeAll
    static void startUpstreamsAndALenientJetty(@TempDir Path work) throws Exception {
        upstreams = ResolvingUpstreams.start();
        lenientServer = new Server();
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.UNSAFE);
        ServerConnector connector = new ServerConnector(lenientServer, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        lenientServer.addConnector(connector);
        WebAppContext webapp = new WebAppContext();
        webapp.setContextPath("/");
        webapp.setWar(System.getProperty("portcullis.war", "target/portcullis.war"));
        webapp.setTempDirectory(work.toFile());
        webapp.setThrowUnavailableOnStartupException(true);
        webapp.getServletHandler().setDecodeAmbiguousURIs(true);
        lenientServer.setHandler(webapp);
        // The WAR reads its configuration when it starts: the one every node runs with.
        String previous = System.setProperty(
                "portcullis.config", System.getProperty("it.config", "target/it-config/portcullis-it.yaml"));
        try {
            lenientServer.start();
        } finally {
            if (previous == null) {
                System.clearProperty("portcullis.config");
            } else {
                System.setProperty("portcullis.config", previous);
            }
        }
        assertTrue(webapp.isAvailable(), "the WAR did not start in the lenient Jetty");
        lenientJetty = new GatewayNode("jetty-unsafe-uri-compliance", connector.getLocalPort());
    }

    @AfterAll
    static void stopUpstreams() throws Exception {
        try {
            if (lenientServer != null) {
                lenientServer.stop();
            }
        } finally {
            if (upstreams != null) {
                upstreams.close();
            }
        }
    }

    @OnEachNode
    void proxyWhenHostilePathThenTheUpstreamResolvesItUnderTheRouteApplied(GatewayNode node) {
        sendHostileCorpus(node);
    }

    /**
     * A Jetty that lets every ambiguous path through ({@link UriCompliance#UNSAFE}, ambiguous URIs decoded for
     * servlets) hands the whole corpus to the gateway: its own decision, from the raw request URI, must hold alone.
     */
    @Test
    void proxyWhenTheContainerRefusesNothingThenTheGatewayDecidesEveryHostilePathItself() {
        List<String> refusedByContainer = new ArrayList<>(sendHostileCorpus(lenientJetty));
        refusedByContainer.addAll(sendAmbiguous(lenientJetty));

        // Even UNSAFE, Jetty cannot parse a NUL, a broken escape or a .. above the root: nothing else.
        List<String> unexpected = refusedByContainer.stream()
                .filter(path -> !path.contains("%00")
                        && !path.contains("%zz")
                        && !path.startsWith("/../")
                        && !path.endsWith("/../.."))
                .toList();
        assertEquals(List.of(), unexpected, "refused by the lenient Jetty instead of the gateway");
    }

    /** Sends the corpus through every family; fails on any violation, and returns those the container refused. */
    private static List<String> sendHostileCorpus(GatewayNode node) {
        List<String> violations = new ArrayList<>();
        int refused = 0;
        int refusedByContainer = 0;
        List<String> byContainer = new ArrayList<>();
        int protectedRoute = 0;
        int forwarded = 0;
        for (Family family : FAMILIES) {
            for (String template : HOSTILE) {
                String path = template.replace("{p}", family.prefix());
                Http.RawResponse response = send(node, path);
                String outcome = outcome(family, path, response);
                if (outcome.startsWith("violation")) {
                    violations.add(outcome);
                } else if (outcome.equals("refused")) {
                    refused++;
                } else if (outcome.equals("refused by the container")) {
                    refusedByContainer++;
                    byContainer.add(path);
                } else if (outcome.equals("protected")) {
                    protectedRoute++;
                } else {
                    forwarded++;
                }
            }
        }
        System.out.printf(
                "PathsIT %s: %d refused by the gateway, %d by the container, %d protected route (401), "
                        + "%d forwarded under the open route; refused by the container: %s%n",
                node, refused, refusedByContainer, protectedRoute, forwarded, byContainer);
        assertTrue(
                violations.isEmpty(),
                () -> violations.size() + " hostile paths broke the route on " + node + ":\n"
                        + String.join("\n", violations));
        return byContainer;
    }

    /**
     * Paths both containers hand to the web application: the gateway's own 400. Ambiguous paths a container
     * refuses itself while parsing (Tomcat: %2F, %5C, %00, bad UTF-8; Jetty 12 with its default URI compliance:
     * most of the hostile corpus) never reach the gateway; the corpus test above checks they go nowhere either.
     */
    @OnEachNode
    void resolveWhenPathCannotBeForwardedUnambiguouslyThen400Problem(GatewayNode node) {
        List<String> wrong = new ArrayList<>();
        for (String path : List.of(
                "/e/admin;/x",
                "/e/x;jsessionid=0123",
                "/j/x;y",
                "/auth/me;x",
                "/e;v=1/x",
                "/e/admin/../x/../admin/y",
                "/j/x/../admin/y")) {
            Http.RawResponse response = send(node, path);
            String contentType = response.headers().getOrDefault("content-type", "");
            String title = contentType.startsWith("application/problem+json")
                    ? Http.json(response.body()).path("title").asText()
                    : "";
            if (response.status() != 400
                    || !title.equals("Bad request path")
                    || !response.headers().containsKey("x-request-id")) {
                wrong.add(path + " → " + response.status() + " " + contentType + " " + text(response));
            }
        }
        assertTrue(
                wrong.isEmpty(),
                () -> "not refused as a bad request path on " + node + ":\n" + String.join("\n", wrong));
    }

    /** Where a container lets the path through, the gateway refuses it; where not, the container does: never 2xx. */
    @OnEachNode
    void resolveWhenPathIsAmbiguousThenRefusedByTheGatewayOrTheContainer(GatewayNode node) {
        sendAmbiguous(node);
    }

    /** Sends {@link #AMBIGUOUS}; fails unless each is a 400 from the gateway or the container; returns the container's. */
    private static List<String> sendAmbiguous(GatewayNode node) {
        List<String> wrong = new ArrayList<>();
        List<String> byContainer = new ArrayList<>();
        int byGateway = 0;
        for (String path : AMBIGUOUS) {
            Http.RawResponse response = send(node, path);
            boolean fromGateway = response.headers().containsKey("x-request-id");
            String contentType = response.headers().getOrDefault("content-type", "");
            String title = contentType.startsWith("application/problem+json")
                    ? Http.json(response.body()).path("title").asText()
                    : "";
            if (fromGateway && title.equals("Bad request path") && response.status() == 400) {
                byGateway++;
            } else if (fromGateway || response.status() != 400) {
                wrong.add(path + " → " + response.status() + " " + contentType + " " + text(response));
            } else {
                byContainer.add(path);
            }
        }
        System.out.printf(
                "PathsIT %s: %d of %d ambiguous paths refused by the gateway, by the container: %s%n",
                node, byGateway, AMBIGUOUS.size(), byContainer);
        assertTrue(wrong.isEmpty(), () -> "not refused on " + node + ":\n" + String.join("\n", wrong));
        return byContainer;
    }

    @OnEachNode
    void proxyWhenPathHasOneCanonicalFormThenTheUpstreamResolvesExactlyIt(GatewayNode node) {
        Map<String, String> expected = Map.ofEntries(
                Map.entry("/e/ok/x", "/e/ok/x"),
                Map.entry("/e/caf%C3%A9/a%20b", "/e/café/a b"),
                Map.entry("/e/caf%c3%a9", "/e/café"),
                Map.entry("/e/./y/.", "/e/y/"),
                Map.entry("/e/a+b:c@d!$&'()*,=", "/e/a+b:c@d!$&'()*,="),
                Map.entry("/e/%7Bx%7D", "/e/{x}"),
                Map.entry("/e/x.", "/e/x."),
                Map.entry("/j", "/open"),
                Map.entry("/j/", "/open/"),
                Map.entry("/j/ok/%C3%A9", "/open/ok/é"),
                Map.entry("/p/list;page=2", "/p/list"),
                Map.entry("/p;v=1/list;page=2;size=10/7", "/p/list/7"));
        List<String> wrong = new ArrayList<>();
        expected.forEach((path, resolved) -> {
            Http.RawResponse response = send(node, path);
            String actual = response.status() == 200 && response.headers().containsKey("x-resolved-by")
                    ? Http.json(response.body()).path("resolved").asText()
                    : null;
            if (!resolved.equals(actual)) {
                wrong.add(path + " → expected " + resolved + ", got " + response.status() + " " + text(response));
            }
        });
        assertTrue(wrong.isEmpty(), () -> "not forwarded as resolved on " + node + ":\n" + String.join("\n", wrong));
    }

    @OnEachNode
    void proxyWhenProtectedRouteWithTokenThenTheUpstreamResolvesUnderIt(GatewayNode node) {
        String token = ItTokens.valid(ItTokens.config(), "paths-user").sign(ItTokens.gatewayKey());

        Http.RawResponse response = Http.rawGet(
                InetAddress.getLoopbackAddress(), node, "/e/x/../admin/y", Map.of("Authorization", "Bearer " + token));
        Http.RawResponse direct = Http.rawGet(
                InetAddress.getLoopbackAddress(), node, "/j/admin/%C3%A9", Map.of("Authorization", "Bearer " + token));

        assertEquals(400, response.status(), () -> text(response));
        assertEquals(200, direct.status(), () -> text(direct));
        assertEquals("/admin/é", Http.json(direct.body()).path("resolved").asText());
    }

    /** "refused", "protected", "forwarded", or "violation: …" for one hostile path. */
    private static String outcome(Family family, String path, Http.RawResponse response) {
        String contentType = response.headers().getOrDefault("content-type", "");
        boolean problem = contentType.startsWith("application/problem+json");
        if (response.status() == 400 && !response.headers().containsKey("x-request-id")) {
            // The container refused it while parsing the request: it never reached the gateway, nor the upstream.
            return "refused by the container";
        }
        switch (response.status()) {
            case 400, 404 -> {
                return problem
                        ? "refused"
                        : "violation: " + path + " → " + response.status() + " not problem+json: " + contentType + " "
                                + text(response);
            }
            case 403 -> {
                // The WAF refusing a path (traversal rules) is a refusal too.
                return problem
                                && Http.json(response.body())
                                        .path("title")
                                        .asText()
                                        .equals("Request blocked")
                        ? "refused"
                        : "violation: " + path + " → 403 not from the WAF: " + text(response);
            }
            case 401 -> {
                return problem && response.headers().containsKey("www-authenticate")
                        ? "protected"
                        : "violation: " + path + " → 401 without a gateway challenge: " + text(response);
            }
            case 200 -> {
                if (!response.headers().containsKey("x-resolved-by")) {
                    return "violation: " + path + " → 200 not from the upstream: " + text(response);
                }
                JsonNode report = Http.json(response.body());
                String resolved = report.path("resolved").asText();
                if (under(resolved, family.adminSpace()) || !under(resolved, family.openSpace())) {
                    return "violation: " + path + " → the open route, and "
                            + report.path("server").asText() + " resolved " + resolved + " (request URI "
                            + report.path("request_uri").asText() + ")";
                }
                return "forwarded";
            }
            default -> {
                return "violation: " + path + " → " + response.status() + " " + contentType + " " + text(response);
            }
        }
    }

    /** Segment-wise: /e/admin is under /e/admin and /e, /e/admins is not under /e/admin. */
    private static boolean under(String path, String space) {
        return path.equals(space) || path.startsWith(space.endsWith("/") ? space : space + "/");
    }

    private static Http.RawResponse send(GatewayNode node, String path) {
        try {
            return Http.rawGet(InetAddress.getLoopbackAddress(), node, path, Map.of());
        } catch (RuntimeException e) {
            fail(path + " on " + node + ": " + e);
            throw e;
        }
    }

    private static String text(Http.RawResponse response) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }
}
