package io.portcullis.bench;

import io.portcullis.config.ConfigLoader;
import io.portcullis.config.WafConfig;
import io.portcullis.waf.RequestInspector;
import io.portcullis.waf.Severity;
import io.portcullis.waf.Verdict;
import io.portcullis.waf.WafRequest;
import io.portcullis.waf.WafRules;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost per request of the WAF stage's inspection on this JDK, with the built-in rules at paranoia 1 (the
 * demo configuration from the real loader): a typical 1 KB JSON POST, a 1 KB form POST, a clean GET
 * with a query string and the headers an API client sends, the same query alone, a GET without a query and
 * with a few headers, and a GET carrying a SQL injection (blocked). This is {@code RequestInspector.inspect}
 * — normalisation, extraction and every rule — without the servlet glue of {@code WafStage} (reading the
 * body once and copying the headers). Run with {@code mvn -Pbench -DskipTests test-compile exec:exec
 * -Djmh.args="WafStageBench"}; not part of {@code mvn verify}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class WafStageBench {
    private static final String JSON_ORDER = """
            {"customer":{"id":"c_81f3a9","name":"Seán O'Brien","email":"sean.obrien@example.ie",\
            "phone":"+353 1 555 0142"},"shipping":{"street":"12 Harbour Road","city":"Dún Laoghaire",\
            "postcode":"A96 K7X2","country":"IE","instructions":"Leave it with the neighbour at no. 14 if \
            nobody's home; please don't ring the bell after 9pm."},"items":[{"sku":"TSHIRT-BLU-M",\
            "title":"Blue T-shirt, medium","quantity":2,"unit_price":"19.90"},{"sku":"MUG-LOGO",\
            "title":"Logo mug (350 ml)","quantity":1,"unit_price":"12.50"},{"sku":"STICKER-PACK",\
            "title":"Sticker pack: select 5 designs","quantity":3,"unit_price":"4.00"}],\
            "coupon":"WINTER-15","gift":true,"gift_message":"Happy birthday, Aoife! Hope you like the mug - \
            I know you said \\"no more mugs\\" but this one is different :)","currency":"EUR",\
            "notes":"second order this month, same address as last time","payment":{"method":"card","token":"tok_1Nv8XkLmP4qR2sT6uV9wY0zA"},"metadata":{"source":"web",\
            "campaign":"newsletter-2024-11","referrer":"https://shop.example.com/collections/winter?sort=price"}}""";

    private RequestInspector inspector;
    private WafRequest jsonPost;
    private WafRequest formPost;
    private WafRequest cleanGet;
    private WafRequest queryOnlyGet;
    private WafRequest plainGet;
    private WafRequest attackGet;

    @Setup
    public void setUp() {
        WafConfig config = new ConfigLoader().loadDemo().waf();
        inspector = new RequestInspector(
                WafRules.load(config), config.paranoia(), Severity.INBOUND_THRESHOLD, config.exclusions());
        jsonPost = post("/api/orders", "application/json", JSON_ORDER);
        formPost = post("/api/support/tickets", "application/x-www-form-urlencoded", form());
        cleanGet = new WafRequest(
                "GET",
                "/api/products/search",
                "q=wool+socks&category=men&size=42&colour=navy&sort=-rating&page=2&per_page=24",
                headers(null, 0),
                null,
                0);
        queryOnlyGet = new WafRequest(
                "GET",
                "/api/products/search",
                "q=wool+socks&category=men&size=42&colour=navy&sort=-rating&page=2&per_page=24",
                List.of(),
                null,
                0);
        plainGet = new WafRequest(
                "GET",
                "/api/orders/ORD-2024-118733/items",
                null,
                List.of(
                        Map.entry("Host", "api.example.com"),
                        Map.entry("User-Agent", "curl/8.5.0"),
                        Map.entry("Accept", "*/*"),
                        Map.entry("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl")),
                null,
                0);
        attackGet = new WafRequest(
                "GET",
                "/api/products/search",
                "q=" + URLEncoder.encode("socks' UNION SELECT username, password FROM users--", StandardCharsets.UTF_8)
                        + "&page=2",
                headers(null, 0),
                null,
                0);
        for (WafRequest request : List.of(jsonPost, formPost, cleanGet, queryOnlyGet, plainGet)) {
            Verdict verdict = inspector.inspect(request, request.rawPath());
            if (verdict.isAttack()) {
                throw new IllegalStateException("a benchmark request is blocked: " + verdict.matches());
            }
        }
        if (!inspector.inspect(attackGet, attackGet.rawPath()).isAttack()) {
            throw new IllegalStateException("the benchmark attack is not detected");
        }
        if (jsonPost.bodyLength() < 1000
                || jsonPost.bodyLength() > 1100
                || formPost.bodyLength() < 1000
                || formPost.bodyLength() > 1100) {
            throw new IllegalStateException(
                    "the bodies should be about 1 KB: " + jsonPost.bodyLength() + ", " + formPost.bodyLength());
        }
    }

    private static String form() {
        StringBuilder form = new StringBuilder();
        for (String[] field : new String[][] {
            {"name", "Zoë Müller-O'Neill"},
            {"email", "zoe.mueller@example.de"},
            {"order", "ORD-2024-118733"},
            {"topic", "delivery"},
            {"subject", "Parcel marked as delivered but not received"},
            {
                "message",
                "Hello, the tracking page says my parcel was delivered on Tuesday at 14:02, but "
                        + "nothing arrived and the neighbours haven't seen it either. Could you check with the "
                        + "courier where exactly it was left? I'd prefer a replacement over a refund if the "
                        + "parcel can't be found. The order contained two pairs of wool socks (size 42) and a "
                        + "scarf. Thanks a lot & kind regards, Zoë"
            },
            {"address", "Lindenstraße 7, 2. OG links, 10969 Berlin"},
            {"phone", "+49 30 5550 1234"},
            {"preferred_contact", "email"},
            {"previous_ticket", "T-55012"},
            {"order_date", "2024-11-02"},
            {"channel", "web-form"},
            {
                "details",
                "Courier: DHL Paket. Tracking 00340434161094042557. The photo proof shows a door "
                        + "that isn't ours (blue, with a brass knocker; ours is white). Parcel box at the entrance "
                        + "was empty when I checked at 18:30. Neighbours at no. 5 and no. 9 have nothing either."
            },
            {"consent", "on"}
        }) {
            if (!form.isEmpty()) {
                form.append('&');
            }
            form.append(URLEncoder.encode(field[0], StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(field[1], StandardCharsets.UTF_8));
        }
        return form.toString();
    }

    private static WafRequest post(String path, String contentType, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return new WafRequest("POST", path, null, headers(contentType, bytes.length), bytes, bytes.length);
    }

    private static List<Map.Entry<String, String>> headers(String contentType, int length) {
        List<Map.Entry<String, String>> headers = new ArrayList<>(List.of(
                Map.entry("Host", "api.example.com"),
                Map.entry("User-Agent", "shop-web/4.12.0 (+https://shop.example.com)"),
                Map.entry("Accept", "application/json"),
                Map.entry("Accept-Encoding", "gzip, deflate, br"),
                Map.entry("Accept-Language", "en-IE,en;q=0.9,de;q=0.7"),
                Map.entry("Authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJl"),
                Map.entry("X-Request-Id", "0f9c2d1e-7b1a-4c55-9e0f-3a6b8d2c4e71"),
                Map.entry("Cookie", "session=s%3A9f8e7d6c5b4a; theme=dark")));
        if (contentType != null) {
            headers.add(Map.entry("Content-Type", contentType + "; charset=utf-8"));
            headers.add(Map.entry("Content-Length", String.valueOf(length)));
        }
        return headers;
    }

    @Benchmark
    public Verdict json1kPost() {
        return inspector.inspect(jsonPost, jsonPost.rawPath());
    }

    @Benchmark
    public Verdict form1kPost() {
        return inspector.inspect(formPost, formPost.rawPath());
    }

    @Benchmark
    public Verdict getWithQuery() {
        return inspector.inspect(cleanGet, cleanGet.rawPath());
    }

    @Benchmark
    public Verdict getQueryOnly() {
        return inspector.inspect(queryOnlyGet, queryOnlyGet.rawPath());
    }

    @Benchmark
    public Verdict getPlain() {
        return inspector.inspect(plainGet, plainGet.rawPath());
    }

    @Benchmark
    public Verdict getSqlInjection() {
        return inspector.inspect(attackGet, attackGet.rawPath());
    }
}
