package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A page from another origin calls the gateway in real Chromium: a static server on the reserved
 * {@code cors.page.port} (the origin {@code gateway.cors} of the IT configuration allows) serves a page and the
 * console's client module ({@code src/main/webapp/console/portcullis-client.js}, as a front end would copy it).
 * With {@code baseUrl} set to a gateway node, the page registers, logs in and calls the JWT route {@code /jwt}:
 * the browser preflights each call, and the page reads the upstream's answer. The same call to
 * {@code /jwt-no-cors} ({@code cors: off}) is blocked by the browser: the test passes only because CORS is
 * configured.
 *
 * <p>Chromium and chromedriver are required, as for {@link ConsoleBrowserIT}: without them the test fails.
 */
@GatewayIT
class CorsBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path CLIENT = Path.of("src/main/webapp/console/portcullis-client.js");
    private static final int PAGE_PORT = Integer.getInteger("cors.page.port", 0);
    private static final String PAGE = """
            <!doctype html>
            <html><head><meta charset="utf-8"><title>loading</title></head><body>
            <script type="module">
            import { createClient } from './portcullis-client.js';
            // Registers, logs in, then calls each path; one result per path: its status and body, or the error.
            window.corsRun = async (baseUrl, username, password, paths) => {
              const api = createClient({ baseUrl });
              await api.register(username, password);
              await api.login(username, password);
              const results = [];
              for (const path of paths) {
                try {
                  const response = await api.fetch(path);
                  results.push({ status: response.status, body: await response.text(),
                    rateLimit: response.headers.get('RateLimit') });
                } catch (e) {
                  results.push({ error: e.name + ': ' + e.message });
                }
              }
              return results;
            };
            document.title = 'ready';
            </script>
            </body></html>
            """;

    private static HttpServer pageServer;
    private Path profile;
    private WebDriver browser;

    @BeforeAll
    static void startPageServer() throws IOException {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: install Debian's chromium (.ci/run does)");
        assertTrue(
                Files.isExecutable(CHROMEDRIVER),
                CHROMEDRIVER + " is missing: install Debian's chromium-driver (.ci/run does)");
        assertTrue(PAGE_PORT != 0, "cors.page.port is not set: run with mvn verify");
        byte[] client = Files.readAllBytes(CLIENT);
        pageServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), PAGE_PORT), 16);
        pageServer.createContext(
                "/", exchange -> serve(exchange, "text/html; charset=utf-8", PAGE.getBytes(StandardCharsets.UTF_8)));
        pageServer.createContext(
                "/portcullis-client.js", exchange -> serve(exchange, "text/javascript; charset=utf-8", client));
        pageServer.start();
    }

    private static void serve(HttpExchange exchange, String contentType, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @AfterAll
    static void stopPageServer() {
        if (pageServer != null) {
            pageServer.stop(0);
        }
    }

    @AfterEach
    void closeBrowser() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private void openBrowser() throws IOException {
        profile = Files.createTempDirectory("portcullis-chromium-");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile);
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(60));
    }

    @OnEachNode
    @Timeout(180)
    void pageFromAnotherOriginWhenItCallsAJwtRouteThroughTheClientThenCorsLetsItReadTheAnswer(GatewayNode node)
            throws Exception {
        openBrowser();
        browser.get("http://127.0.0.1:" + PAGE_PORT + "/");
        new WebDriverWait(browser, Duration.ofSeconds(15)).until(driver -> "ready".equals(driver.getTitle()));
        String baseUrl = node.uri("/").toString().replaceAll("/+$", "");
        assertFalse(baseUrl.startsWith("http://127.0.0.1:" + PAGE_PORT), "the page and the gateway share an origin");
        String username =
                "cors-" + node.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
        String allowedPath = "/jwt/cors-browser-" + UUID.randomUUID();
        String blockedPath = "/jwt-no-cors/cors-browser-" + UUID.randomUUID();

        Object answer = ((JavascriptExecutor) browser)
                .executeAsyncScript(
                        "const done = arguments[arguments.length - 1];"
                                + "window.corsRun(arguments[0], arguments[1], arguments[2], arguments[3])"
                                + ".then(done, e => done([{ error: 'setup: ' + e.name + ': ' + e.message }]));",
                        baseUrl,
                        username,
                        "cors-password-1",
                        List.of(allowedPath, blockedPath));

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) answer;
        assertEquals(2, results.size(), String.valueOf(results));
        Map<String, Object> allowed = results.get(0);
        assertEquals(200L, allowed.get("status"), String.valueOf(results));
        JsonNode echo = Http.json(String.valueOf(allowed.get("body")).getBytes(StandardCharsets.UTF_8));
        assertEquals(allowedPath, echo.path("path").asText());
        assertEquals("jwt", Http.upstreamHeader(echo, "X-Auth-Method"));
        assertEquals(null, allowed.get("rateLimit"), "a header the policy does not expose is hidden from the page");
        assertTrue(Upstreams.a().saw(allowedPath));

        Map<String, Object> blocked = results.get(1);
        assertTrue(String.valueOf(blocked.get("error")).startsWith("TypeError"), String.valueOf(results));
        assertFalse(
                Upstreams.a().saw(blockedPath), "the preflight of a route without CORS must not reach the upstream");
    }
}
