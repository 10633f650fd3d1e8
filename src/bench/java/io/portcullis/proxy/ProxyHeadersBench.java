package io.portcullis.proxy;

import io.portcullis.chain.ClientAddressResolver;
import io.portcullis.chain.Identity;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.IpRange;
import io.portcullis.config.RouteConfig;
import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost per request of the proxy's header hygiene on this JDK: resolving the client address from a trusted
 * proxy's {@code X-Forwarded-For}, then {@link GatewayProxyServlet#copyRequestHeaders} — dropping hop-by-hop,
 * {@code X-User-*}, {@code X-Auth-*}, API-key and (on a JWT route) {@code Authorization} headers, and adding
 * the identity, request id and {@code X-Forwarded-*} headers to the upstream request. The client request
 * carries twelve headers, as a browser behind a load balancer sends. Run with {@code mvn -Pbench
 * -DskipTests test-compile exec:exec -Djmh.args="ProxyHeadersBench"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ProxyHeadersBench {
    private GatewayProxyServlet servlet;
    private ClientAddressResolver resolver;
    private HttpClient client;
    private HttpServletRequest request;
    private Request upstream;

    @Setup
    public void setUp() throws Exception {
        RouteConfig orders = new ConfigLoader()
                .loadDemo().routes().stream()
                        .filter(r -> r.auth() == RouteConfig.AuthMode.JWT)
                        .findFirst()
                        .orElseThrow();
        servlet = new GatewayProxyServlet(Map.of(), "x-api-key");
        resolver = new ClientAddressResolver(List.of(IpRange.parse("10.0.0.0/8").orElseThrow()));
        client = new HttpClient();
        client.start();
        List<Map.Entry<String, String>> headers = List.of(
                Map.entry("Host", "api.example.com"),
                Map.entry("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"),
                Map.entry("Accept", "application/json"),
                Map.entry("Accept-Encoding", "gzip, deflate, br"),
                Map.entry("Accept-Language", "en-IE,en;q=0.9"),
                Map.entry("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl"),
                Map.entry("Connection", "keep-alive"),
                Map.entry("X-Forwarded-For", "203.0.113.7, 10.1.2.3"),
                Map.entry("X-Forwarded-Proto", "https"),
                Map.entry("X-User-Id", "admin"),
                Map.entry("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
                Map.entry("Cookie", "session=s%3A9f8e7d6c5b4a; theme=dark"));
        Map<String, Object> attributes = new HashMap<>();
        request = fake(headers, attributes);
        RequestAttributes.ROUTE.set(request, Route.configured(orders, servlet));
        RequestAttributes.REQUEST_ID.set(request, "0f9c2d1e-7b1a-4c55-9e0f-3a6b8d2c4e71");
        RequestAttributes.IDENTITY.set(
                request,
                new Identity(
                        Identity.AuthMethod.JWT,
                        Optional.of("user-1"),
                        List.of("admin"),
                        Optional.empty(),
                        List.of("orders")));
        upstream = client.newRequest("http://127.0.0.1:9/orders");
        rewrite();
        if (upstream.getHeaders().get("X-User-Id") == null
                || !upstream.getHeaders().get("X-User-Id").equals("user-1")
                || upstream.getHeaders().get("Authorization") != null
                || !upstream.getHeaders().get("X-Forwarded-For").equals("203.0.113.7, 10.1.2.3, 10.9.8.7")) {
            throw new IllegalStateException("unexpected upstream headers: " + upstream.getHeaders());
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        client.stop();
    }

    private static HttpServletRequest fake(List<Map.Entry<String, String>> headers, Map<String, Object> attributes) {
        return (HttpServletRequest) Proxy.newProxyInstance(
                ProxyHeadersBench.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (proxy, m, args) -> switch (m.getName()) {
                    case "getHeaderNames" -> {
                        List<String> names = new ArrayList<>();
                        headers.forEach(h -> names.add(h.getKey()));
                        yield Collections.enumeration(names);
                    }
                    case "getHeaders" ->
                        Collections.enumeration(headers.stream()
                                .filter(h -> h.getKey().equalsIgnoreCase((String) args[0]))
                                .map(Map.Entry::getValue)
                                .toList());
                    case "getHeader" ->
                        headers.stream()
                                .filter(h -> h.getKey().equalsIgnoreCase((String) args[0]))
                                .map(Map.Entry::getValue)
                                .findFirst()
                                .orElse(null);
                    case "getAttribute" -> attributes.get((String) args[0]);
                    case "setAttribute" -> attributes.put((String) args[0], args[1]);
                    case "getRemoteAddr" -> "10.9.8.7";
                    case "getScheme" -> "http";
                    case "hashCode" -> System.identityHashCode(proxy);
                    default -> throw new UnsupportedOperationException(m.getName());
                });
    }

    @Benchmark
    public Request rewrite() {
        RequestAttributes.CLIENT.set(request, resolver.resolve(request));
        servlet.copyRequestHeaders(request, upstream);
        return upstream;
    }
}
