package io.portcullis.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.portcullis.chain.ClientAddressResolver;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.RequestObserver;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;
import org.slf4j.LoggerFactory;

class AccessLogStageTest {
    private final AccessLogStage filter =
            new AccessLogStage(new ClientAddressResolver(List.of()), new HeaderRedactor("x-api-key"));
    private final FilterChain chain = mock(FilterChain.class);
    private final FakeResponse response = FakeResponse.create();
    private final ListAppender<ILoggingEvent> accessLog = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLogStage.LOGGER_NAME);

    @BeforeEach
    void captureAccessLog() {
        accessLog.start();
        logger.addAppender(accessLog);
    }

    @AfterEach
    void releaseAccessLog() {
        logger.detachAppender(accessLog);
    }

    private Map<String, Object> onlyLine() {
        assertEquals(1, accessLog.list.size(), () -> "lines: " + accessLog.list);
        return accessLog.list.get(0).getKeyValuePairs().stream()
                .collect(Collectors.toMap(pair -> pair.key, pair -> pair.value));
    }

    @Test
    void doFilterWhenWellFormedRequestIdThenKeptEchoedAndLogged() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/api/orders").header("X-Request-Id", "abc-123");

        filter.handle(request, response, chain);

        verify(chain).doFilter(request, response);
        assertEquals("abc-123", response.getHeader("X-Request-Id"));
        assertEquals("abc-123", RequestAttributes.REQUEST_ID.get(request).orElseThrow());
        assertEquals("abc-123", onlyLine().get("request_id"));
    }

    @Test
    void doFilterWhenMalformedRequestIdThenReplacedEverywhere() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/api").header("X-Request-Id", "bad id; drop table");

        filter.handle(request, response, chain);

        String id = response.getHeader("X-Request-Id");
        assertNotEquals("bad id; drop table", id);
        assertTrue(id.matches("[0-9a-f]{32}"), id);
        assertEquals(id, RequestAttributes.REQUEST_ID.get(request).orElseThrow());
        assertEquals(id, onlyLine().get("request_id"));
    }

    @Test
    void doFilterWhenNoRequestIdThenGenerated() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/api");

        filter.handle(request, response, chain);

        assertTrue(response.getHeader("X-Request-Id").matches("[0-9a-f]{32}"));
    }

    @Test
    void doFilterWhenSynchronousThenOneLineWithStatusRouteAndClient() throws Exception {
        FakeRequest request = FakeRequest.of("POST", "/api/orders").remoteAddr("203.0.113.4");
        doAnswer(invocation -> {
                    response.setStatus(201);
                    return null;
                })
                .when(chain)
                .doFilter(any(), any());

        filter.handle(request, response, chain);

        Map<String, Object> line = onlyLine();
        assertEquals("POST", line.get("method"));
        assertEquals("/api/orders", line.get("path"));
        assertEquals(201, line.get("status"));
        assertEquals("203.0.113.4", line.get("client"));
        assertEquals("-", line.get("route"));
        assertEquals("anonymous", line.get("auth"));
        assertEquals(
                "203.0.113.4",
                RequestAttributes.CLIENT.get(request).orElseThrow().address());
    }

    @Test
    void doFilterWhenChainThrowsThenLogged500AndRethrown() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/api");
        doThrow(new ServletException("boom")).when(chain).doFilter(any(), any());

        assertThrows(ServletException.class, () -> filter.handle(request, response, chain));

        assertEquals(500, onlyLine().get("status"));
    }

    @Test
    void doFilterWhenRequestWentAsyncThenLogsOnceOnCompletion() throws Exception {
        AsyncContext async = mock(AsyncContext.class);
        FakeRequest request = FakeRequest.of("GET", "/api/slow").asyncStarted(async);

        filter.handle(request, response, chain);

        assertEquals(0, accessLog.list.size(), "logged before completion");
        ArgumentCaptor<AsyncListener> listener = ArgumentCaptor.forClass(AsyncListener.class);
        verify(async).addListener(listener.capture());
        AsyncEvent event = new AsyncEvent(async, request, response);
        response.setStatus(504);
        listener.getValue().onTimeout(event);
        listener.getValue().onError(event);
        listener.getValue().onComplete(event);
        assertEquals(504, onlyLine().get("status"));
    }

    @Test
    void doFilterWhenObserversThenEachToldOnceWithTheFinalStatus() throws Exception {
        List<Integer> seen = new ArrayList<>();
        RequestObserver failing = (request, status, nanos) -> {
            throw new IllegalStateException("an observer's bug");
        };
        AccessLogStage observed = new AccessLogStage(
                new ClientAddressResolver(List.of()),
                new HeaderRedactor("x-api-key"),
                List.of(failing, (request, status, nanos) -> seen.add(status)));
        doAnswer(invocation -> {
                    response.setStatus(418);
                    return null;
                })
                .when(chain)
                .doFilter(any(), any());

        observed.handle(FakeRequest.of("GET", "/api"), response, chain);

        assertEquals(List.of(418), seen);
        assertEquals(418, onlyLine().get("status"), "a failing observer does not cost the log line");
    }

    @Test
    void doFilterWhenAsyncThenObserversToldOnCompletionOnly() throws Exception {
        List<Integer> seen = new ArrayList<>();
        AccessLogStage observed = new AccessLogStage(
                new ClientAddressResolver(List.of()),
                new HeaderRedactor("x-api-key"),
                List.of((request, status, nanos) -> seen.add(status)));
        AsyncContext async = mock(AsyncContext.class);
        FakeRequest request = FakeRequest.of("GET", "/api/slow").asyncStarted(async);

        observed.handle(request, response, chain);
        assertEquals(List.of(), seen);
        ArgumentCaptor<AsyncListener> listener = ArgumentCaptor.forClass(AsyncListener.class);
        verify(async).addListener(listener.capture());
        response.setStatus(502);
        listener.getValue().onComplete(new AsyncEvent(async, request, response));

        assertEquals(List.of(502), seen);
    }

    @Test
    void doFilterWhenAsyncRestartedThenListenerReRegisters() throws Exception {
        AsyncContext async = mock(AsyncContext.class);
        FakeRequest request = FakeRequest.of("GET", "/api").asyncStarted(async);
        filter.handle(request, response, chain);
        ArgumentCaptor<AsyncListener> listener = ArgumentCaptor.forClass(AsyncListener.class);
        verify(async).addListener(listener.capture());

        listener.getValue().onStartAsync(new AsyncEvent(async, request, response));

        verify(async, times(2)).addListener(listener.getValue());
    }

    @Test
    void doFilterWhenProblemAndUpstreamRecordedThenInTheLine() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/api");
        doAnswer(invocation -> {
                    RequestAttributes.PROBLEM.set(request, "bad-gateway");
                    RequestAttributes.UPSTREAM.set(request, "http://127.0.0.1:9");
                    response.setStatus(502);
                    return null;
                })
                .when(chain)
                .doFilter(any(), any());

        filter.handle(request, response, chain);

        Map<String, Object> line = onlyLine();
        assertEquals("bad-gateway", line.get("problem"));
        assertEquals("http://127.0.0.1:9", line.get("upstream"));
        assertSame(null, line.get("user"));
    }

    @Test
    void doFilterWhenCredentialsSentThenNeverInTheAccessLog() throws Exception {
        FakeRequest request = FakeRequest.of("GET", "/api")
                .header("Authorization", "Bearer secret-token")
                .header("x-api-key", "secret-key")
                .header("Cookie", "session=secret-cookie");

        filter.handle(request, response, chain);

        String line = accessLog.list.get(0).getFormattedMessage()
                + accessLog.list.get(0).getKeyValuePairs();
        assertTrue(!line.contains("secret"), line);
    }
}
