package io.portcullis.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.Mockito.doReturn;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.portcullis.chain.FilterStage;
import io.portcullis.chain.RequestAttributes;
import io.portcullis.chain.Route;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.testsupport.FakeRequest;
import io.portcullis.testsupport.FakeResponse;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletContext;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class ConsoleEndpointTest {
    private static final String PAGE = "<!doctype html><title>console</title>";
    private final ServletContext context = mock(ServletContext.class);
    private final ConsoleEndpoint endpoint = new ConsoleEndpoint();
    private final FakeResponse response = FakeResponse.create();

    private FakeRequest request(String method, String path) {
        when(context.getResourceAsStream("/console/index.html"))
                .thenAnswer(call -> new ByteArrayInputStream(PAGE.getBytes(StandardCharsets.UTF_8)));
        FakeRequest request = FakeRequest.of(method, path);
        doReturn(context).when(request).getServletContext();
        doReturn("").when(request).getContextPath();
        return request;
    }

    @Test
    void handleWhenPageRequestedThenServedTypedWithPolicyAndEtag() throws Exception {
        endpoint.handle(request("GET", "/console/"), response);

        assertEquals(200, response.getStatus());
        assertEquals(PAGE, response.bodyText());
        assertEquals("text/html;charset=UTF-8", response.getContentType());
        assertEquals("no-cache", response.getHeader("Cache-Control"));
        assertEquals(ConsoleEndpoint.CONTENT_SECURITY_POLICY, response.getHeader("Content-Security-Policy"));
        assertEquals("nosniff", response.getHeader("X-Content-Type-Options"));
        assertNotNull(response.getHeader("ETag"));
    }

    @Test
    void handleWhenEtagStillMatchesThen304WithoutBody() throws Exception {
        endpoint.handle(request("GET", "/console/index.html"), response);
        FakeResponse again = FakeResponse.create();

        endpoint.handle(
                request("GET", "/console/index.html").header("If-None-Match", response.getHeader("ETag")), again);

        assertEquals(304, again.getStatus());
        assertEquals("", again.bodyText());
    }

    @Test
    void handleWhenHeadThenHeadersWithoutBody() throws Exception {
        endpoint.handle(request("HEAD", "/console/"), response);

        assertEquals(200, response.getStatus());
        assertEquals("", response.bodyText());
    }

    @Test
    void handleWhenNoTrailingSlashThenRedirectedToTheDirectory() throws Exception {
        endpoint.handle(request("GET", "/console"), response);

        assertEquals(301, response.getStatus());
        assertEquals("/console/", response.getHeader("Location"));
    }

    @Test
    void handleWhenFileNotListedThen404ProblemEvenIfTheWarHasIt() throws Exception {
        when(context.getResourceAsStream("/console/../WEB-INF/web.xml"))
                .thenReturn(new ByteArrayInputStream(new byte[1]));

        endpoint.handle(request("GET", "/console/../WEB-INF/web.xml"), response);

        assertEquals(404, response.getStatus());
        assertEquals("application/problem+json", response.getContentType());
    }

    @Test
    void handleWhenListedFileMissingFromTheWarThen404Problem() throws Exception {
        endpoint.handle(request("GET", "/console/console.css"), response);

        assertEquals(404, response.getStatus());
        assertTrue(response.bodyText().contains("\"title\":\"Not Found\""), response.bodyText());
    }

    @Test
    void handleWhenPostThen405WithAllow() throws Exception {
        endpoint.handle(request("POST", "/console/"), response);

        assertEquals(405, response.getStatus());
        assertEquals("GET, HEAD", response.getHeader("Allow"));
    }

    @Test
    void routeWhenDemoModeThenTheConsoleIsAnEndpoint() throws Exception {
        try (Gateway gateway = Gateway.assemble(new ConfigLoader().loadDemo(), Clock.systemUTC())) {
            FakeRequest request = FakeRequest.of("GET", "/console/");

            gateway.stage(FilterStage.ROUTE).handle(request, FakeResponse.create(), mock(FilterChain.class));

            Route route = RequestAttributes.ROUTE.get(request).orElseThrow();
            assertEquals("console", route.id());
            assertSame(ConsoleEndpoint.class, route.handler().getClass());
        }
    }

    @Test
    void routeWhenNotDemoModeThenTheConsolePathIsNoRoute() throws Exception {
        String yaml =
                "auth: { algorithm: HS256, signing-keys: [ { kid: k1, secret: \"unit-test-secret-0123456789abcdef\" } ] }\n";
        GatewayConfig config = new ConfigLoader()
                .parse("test", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), Path.of("."));
        try (Gateway gateway = Gateway.assemble(config, Clock.systemUTC())) {
            FakeRequest request = FakeRequest.of("GET", "/console/");
            FakeResponse answer = FakeResponse.create();

            gateway.stage(FilterStage.ROUTE).handle(request, answer, mock(FilterChain.class));

            assertEquals(404, answer.getStatus());
            assertEquals("application/problem+json", answer.getContentType());
            assertTrue(answer.bodyText().contains("\"title\":\"No route\""), answer.bodyText());
        }
    }
}
