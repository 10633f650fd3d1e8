package io.portcullis.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.portcullis.chain.ClientAddressResolver;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.config.IpRange;
import io.portcullis.testsupport.Bounded;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.FilterChain;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;
import org.slf4j.LoggerFactory;

/**
 * The first stage with whatever request headers a client sends ({@code X-Request-Id}, {@code traceparent},
 * credentials, forwarding headers): it passes every request on exactly once, answers with a well-formed
 * request id (the caller's own only when it is well-formed), and never renders a credential into the log.
 */
class AccessLogStagePropertiesTest {
    private static final List<String> NAMES = List.of(
            "X-Request-Id",
            "traceparent",
            "tracestate",
            "Authorization",
            "x-api-key",
            "X-Partner-Key",
            "Cookie",
            "Proxy-Authorization",
            "X-Forwarded-For",
            "Forwarded",
            "Accept");

    private final AccessLogStage filter = new AccessLogStage(
            new ClientAddressResolver(List.of(IpRange.parse("127.0.0.1/32").orElseThrow())),
            new HeaderRedactor("X-Partner-Key"));
    private final ListAppender<ILoggingEvent> accessLog = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLogStage.LOGGER_NAME);

    @BeforeProperty
    void captureAccessLog() {
        accessLog.start();
        logger.addAppender(accessLog);
        logger.setAdditive(false);
    }

    @AfterProperty
    void releaseAccessLog() {
        logger.detachAppender(accessLog);
        logger.setAdditive(true);
    }

    @Property(tries = 300)
    void doFilterWhenAnyHeadersThenOneWellFormedRequestIdAndChainCalledOnce(
            @ForAll("headers") List<Map.Entry<String, String>> headers, @ForAll boolean fromTrustedProxy) {
        FakeRequest request = FakeRequest.of("GET", "/api/x").remoteAddr(fromTrustedProxy ? "127.0.0.1" : "192.0.2.7");
        headers.forEach(header -> request.header(header.getKey(), header.getValue()));
        FakeResponse response = FakeResponse.create();
        AtomicInteger calls = new AtomicInteger();
        FilterChain chain = (req, res) -> calls.incrementAndGet();

        Bounded.run(() -> filter.handle(request, response, chain));

        assertEquals(1, calls.get());
        assertEquals(1, accessLog.list.size(), "one access-log line per request");
        accessLog.list.clear();
        String id = response.getHeader(RequestIds.HEADER);
        assertTrue(RequestIds.isWellFormed(id), id);
        assertEquals(id, RequestAttributes.REQUEST_ID.get(request).orElseThrow());
        String inbound = request.getHeader(RequestIds.HEADER);
        if (RequestIds.isWellFormed(inbound)) {
            assertEquals(inbound, id, "a well-formed id of the caller's is kept");
        } else {
            assertEquals(32, id.length(), "otherwise a new one is made");
        }
    }

    @Property(tries = 200)
    void renderWhenCredentialsSentThenNoneReachesTheLog(@ForAll("headers") List<Map.Entry<String, String>> headers) {
        FakeRequest request = FakeRequest.of("GET", "/api/x");
        headers.forEach(header -> request.header(header.getKey(), header.getValue()));

        Map<String, String> rendered = new HeaderRedactor("X-Partner-Key").render(request);

        for (Map.Entry<String, String> header : headers) {
            boolean credential = List.of("authorization", "x-api-key", "x-partner-key", "cookie", "proxy-authorization")
                    .contains(header.getKey().toLowerCase(Locale.ROOT));
            if (credential) {
                assertEquals("[redacted]", rendered.get(header.getKey()), header::toString);
            }
        }
    }

    @Property(tries = 500)
    void acceptWhenAnyTextThenTheCallersIdOnlyWhenWellFormed(@ForAll("requestIds") String inbound) {
        String id = RequestIds.accept(inbound);

        boolean wellFormed = inbound != null && inbound.matches("[A-Za-z0-9._-]{1,128}");
        assertEquals(wellFormed, RequestIds.isWellFormed(inbound));
        assertEquals(wellFormed ? inbound : id, id);
        assertTrue(id.matches("[A-Za-z0-9._-]{1,128}"), id);
    }

    @Provide
    Arbitrary<String> requestIds() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("AZaz09._-").ofMaxLength(140),
                Arbitraries.strings()
                        .withChars("AZaz09._- \t\r\n\"'<>{}%/\\\u0000\u00e9\u202e")
                        .ofMaxLength(140),
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.just(null));
    }

    @Provide
    Arbitrary<List<Map.Entry<String, String>>> headers() {
        Arbitrary<String> value = Arbitraries.oneOf(
                requestIds().filter(v -> v != null),
                Arbitraries.of(
                        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                        "ff-00000000000000000000000000000000-0000000000000000-00",
                        "00-xyz",
                        "",
                        "Bearer abc.def.ghi",
                        "Basic dXNlcjpwYXNzd29yZA==",
                        "203.0.113.9, 10.0.0.1",
                        "for=\"[::1]\";proto=https"),
                Arbitraries.integers().between(1, 20_000).map("a"::repeat));
        return Combinators.combine(Arbitraries.of(NAMES), value)
                .as(Map::entry)
                .list()
                .ofMaxSize(8);
    }
}
