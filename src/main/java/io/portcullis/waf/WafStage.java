package io.portcullis.waf;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.chain.Stage;
import io.portcullis.config.RouteConfig;
import io.portcullis.config.WafConfig;
import io.portcullis.problem.Problem;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import io.portcullis.route.RouteStage;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WAF stage ({@link io.portcullis.chain.FilterStage#WAF}), after route resolution: the web application firewall. In order it enforces the method
 * allow-list (405 with {@code Allow}), the header size limit (431), one {@code Content-Type} at most (400), the
 * body size limit for every body (413: {@code waf.max-body}, or the route's {@code max-body}; before reading
 * when the length is declared, else as the body is read), the allowed media types (415, also for a content
 * coding on an inspected body), then runs the {@link RequestInspector} and, in {@code block} mode, answers 403
 * {@code Request blocked} when the anomaly score reaches the threshold. In {@code detect} mode an attack is
 * only logged. The matched rule ids and targets go to the log, never to the client. The gateway's health
 * endpoints are never inspected. Thread-safe.
 */
public final class WafStage implements Stage {
    private static final Logger LOG = LoggerFactory.getLogger(WafStage.class);
    private static final int READ_CHUNK = 8192;
    /** How much of an oversized body is read and dropped so the client sees the 413 (Tomcat's maxSwallowSize is 2 MiB). */
    static final long MAX_DRAIN = 4L * 1024 * 1024;

    private final WafConfig config;
    private final RequestInspector inspector;
    private final MeterRegistry meters;
    private final String allow;
    private final MediaTypes allowedTypes;

    public WafStage(WafConfig config, RequestInspector inspector) {
        this(config, inspector, new SimpleMeterRegistry());
    }

    /**
     * @param meters where the per-rule and per-route counters go: {@code portcullis.waf.rule.matches} (tags
     *               {@code rule}, {@code family}, {@code route}, {@code outcome}) for every rule that matched a
     *               request, and {@code portcullis.waf.requests} (tags {@code route}, {@code outcome}:
     *               {@code blocked}, {@code detected}, {@code below-threshold}) for every request with a match
     */
    public WafStage(WafConfig config, RequestInspector inspector, MeterRegistry meters) {
        this.config = config;
        this.inspector = inspector;
        this.meters = meters;
        this.allow = String.join(", ", config.allowedMethods());
        this.allowedTypes = new MediaTypes(config.allowedContentTypes());
    }

    /** Builds the filter with the built-in rules and the operator's {@code rules-file}, if any. */
    public static WafStage create(WafConfig config) {
        return create(config, new SimpleMeterRegistry());
    }

    /** Builds the filter with the built-in rules and the operator's {@code rules-file}, counting into {@code meters}. */
    public static WafStage create(WafConfig config, MeterRegistry meters) {
        return create(config, WafRules.load(config), meters);
    }

    /** With the rules {@link WafRules#load} already gave (start-up checks them with the other files). */
    public static WafStage create(WafConfig config, List<Rule> rules, MeterRegistry meters) {
        return new WafStage(
                config,
                new RequestInspector(rules, config.paranoia(), Severity.INBOUND_THRESHOLD, config.exclusions()),
                meters);
    }

    /** Counts what matched, so an operator can see per rule and per route what block mode would stop. */
    private void count(HttpServletRequest request, Verdict verdict, String outcome) {
        String route = RequestAttributes.ROUTE.get(request).map(Route::id).orElse("none");
        Counter.builder("portcullis.waf.requests")
                .description("Requests on which a WAF rule matched, by outcome")
                .tag("route", route)
                .tag("outcome", outcome)
                .register(meters)
                .increment();
        for (RuleMatch match : verdict.matches()) {
            Counter.builder("portcullis.waf.rule.matches")
                    .description("WAF rule matches, by rule, route and outcome")
                    .tag("rule", Integer.toString(match.ruleId()))
                    .tag("family", match.family())
                    .tag("route", route)
                    .tag("outcome", outcome)
                    .register(meters)
                    .increment();
        }
    }

    /** Off, or the request is for the health endpoints. */
    private boolean skips(HttpServletRequest request) {
        if (config.mode() == WafConfig.Mode.OFF) {
            return true;
        }
        Route route = RequestAttributes.ROUTE.require(request);
        return route.isEndpoint() && route.id().equals("health");
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (skips(request)) {
            chain.doFilter(request, response);
            return;
        }
        if (!config.allowedMethods().contains(request.getMethod())) {
            ProblemWriter.write(
                    request,
                    response,
                    Problem.of(ProblemType.METHOD_NOT_ALLOWED, "Method " + request.getMethod() + " is not allowed.")
                            .withHeader("Allow", allow));
            return;
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        long headerBytes = 0;
        for (String name : Collections.list(request.getHeaderNames())) {
            for (String value : Collections.list(request.getHeaders(name))) {
                long size = (long) name.length() + value.length();
                headerBytes += size;
                if (size > config.maxHeader() || headerBytes > config.maxHeader()) {
                    ProblemWriter.write(
                            request,
                            response,
                            ProblemType.HEADER_TOO_LARGE,
                            "The request headers exceed " + config.maxHeader() + " bytes.");
                    return;
                }
                headers.add(Map.entry(name, value));
            }
        }
        List<String> contentTypes = Collections.list(request.getHeaders("Content-Type"));
        if (contentTypes.size() > 1) {
            // The WAF would judge the body by one and the upstream may parse it by another.
            ProblemWriter.write(
                    request, response, ProblemType.BAD_REQUEST, "A request carries at most one Content-Type header.");
            return;
        }
        RouteConfig.Bodies bodies = RequestAttributes.ROUTE
                .get(request)
                .flatMap(Route::config)
                .map(RouteConfig::bodies)
                .orElse(RouteConfig.Bodies.DEFAULT);
        long maxBody = bodies.maxBody().orElse(config.maxBody());
        long declared = request.getContentLengthLong();
        // Without a length a body is chunked in HTTP/1.1, and simply framed by the stream in HTTP/2 and later.
        boolean hasBody = declared > 0
                || (declared < 0
                        && (request.getHeader("Transfer-Encoding") != null
                                || !request.getProtocol().startsWith("HTTP/1")));
        // The header as sent: Jetty's getContentType() throws on a charset it cannot name ("charset=/x").
        String mediaType = WafRequest.mediaType(contentTypes.isEmpty() ? null : contentTypes.get(0));
        BodyKind kind = BodyKind.of(mediaType);
        byte[] body = null;
        HttpServletRequest next = request;
        if (hasBody) {
            if (declared > maxBody) {
                tooLarge(request, response);
                return;
            }
            String refusal = refusal(mediaType, kind, Collections.list(request.getHeaders("Content-Encoding")), bodies);
            if (refusal != null) {
                ProblemWriter.write(request, response, ProblemType.UNSUPPORTED_MEDIA_TYPE, refusal);
                return;
            }
            if (kind.inspected()) {
                body = read(request.getInputStream(), maxBody);
                if (body == null) {
                    tooLarge(request, response);
                    return;
                }
                next = new BufferedBodyRequest(request, body);
            } else if (declared < 0) {
                next = new LimitedBodyRequest(request, maxBody);
            }
        }
        String rawPath =
                request.getRequestURI().substring(request.getContextPath().length());
        WafRequest inspected = new WafRequest(
                request.getMethod(),
                rawPath.isEmpty() ? "/" : rawPath,
                request.getQueryString(),
                headers,
                body,
                body != null ? body.length : declared);
        Verdict verdict = inspector.inspect(inspected, RouteStage.path(request));
        if (!verdict.matches().isEmpty()) {
            count(
                    request,
                    verdict,
                    !verdict.isAttack()
                            ? "below-threshold"
                            : config.mode() == WafConfig.Mode.BLOCK ? "blocked" : "detected");
        }
        if (verdict.isAttack()) {
            String requestId = RequestAttributes.REQUEST_ID.get(request).orElse("-");
            if (config.mode() == WafConfig.Mode.BLOCK) {
                LOG.info(
                        "WAF blocked request {}: score {} rules {} matches {}",
                        requestId,
                        verdict.score(),
                        verdict.ruleIds(),
                        verdict.matches());
                ProblemWriter.write(
                        request,
                        response,
                        ProblemType.REQUEST_BLOCKED,
                        "The request was blocked by the web application firewall.");
                return;
            }
            LOG.info(
                    "WAF detected (not blocked) request {}: score {} rules {} matches {}",
                    requestId,
                    verdict.score(),
                    verdict.ruleIds(),
                    verdict.matches());
        } else if (!verdict.matches().isEmpty() && LOG.isDebugEnabled()) {
            LOG.debug(
                    "WAF below threshold for request {}: score {} matches {}",
                    RequestAttributes.REQUEST_ID.get(request).orElse("-"),
                    verdict.score(),
                    verdict.matches());
        }
        chain.doFilter(next, response);
    }

    /**
     * Why a body may not pass, or {@code null}: a media type not on the allowed list, or a content coding on a
     * body the WAF would have to inspect (it reads bytes as they came, so a compressed body would pass unseen).
     * A body without a Content-Type is inspected as text. Every {@code Content-Encoding} line counts: the
     * upstream receives them all and applies them as one list.
     */
    private String refusal(String mediaType, BodyKind kind, List<String> contentEncodings, RouteConfig.Bodies bodies) {
        if (!mediaType.isEmpty()
                && !allowedTypes.allows(mediaType)
                && !new MediaTypes(bodies.extraContentTypes()).allows(mediaType)) {
            return "Request bodies of this media type are not accepted here.";
        }
        if (kind.inspected()) {
            for (String line : contentEncodings) {
                for (String coding : line.split(",")) {
                    if (!coding.isBlank() && !coding.strip().equalsIgnoreCase("identity")) {
                        return "Request bodies with a Content-Encoding are not accepted here.";
                    }
                }
            }
        }
        return null;
    }

    private static void tooLarge(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // A client still sending its body may miss an early answer when the connection closes under it
        // (Tomcat swallows up to maxSwallowSize itself; Jetty does not): read and drop a bounded remainder
        // first, and beyond that bound say the connection will close. A client that asked "Expect: 100-continue"
        // has sent no body yet and waits: reading would make the container invite the upload (100 Continue),
        // so it gets the final answer at once and the connection closes (RFC 9110 §10.1.1).
        String expect = request.getHeader("Expect");
        if (expect != null && expect.strip().equalsIgnoreCase("100-continue")) {
            response.setHeader("Connection", "close");
        } else if (!drain(request.getInputStream(), MAX_DRAIN)) {
            response.setHeader("Connection", "close");
        }
        ProblemWriter.write(
                request,
                response,
                ProblemType.PAYLOAD_TOO_LARGE,
                "The request body exceeds the size this route accepts.");
    }

    /** Reads and discards at most {@code limit} bytes; true when the body ended within them. */
    static boolean drain(InputStream in, long limit) {
        byte[] buffer = new byte[READ_CHUNK];
        long total = 0;
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                total += n;
                if (total > limit) {
                    return false;
                }
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Reads the whole body, or returns {@code null} as soon as it exceeds {@code limit} bytes. */
    static byte[] read(InputStream in, long limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(limit, READ_CHUNK));
        byte[] buffer = new byte[READ_CHUNK];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > limit) {
                return null;
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }
}
