package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.config.AuthConfig;
import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The demo console in a real browser: Debian's headless Chromium, driven through its chromedriver, walks the
 * whole flow on every node as a newcomer would, and the test reads what the page shows. The nodes run in
 * demo mode with {@code auth.access-ttl: 30s}, so the access token really expires mid-session: the page's
 * client gets a 401, refreshes once and retries, and the user sees the call succeed.
 *
 * <p>Chromium and chromedriver are required ({@code .ci/run} installs them): without them the test fails, it
 * does not skip.
 */
@GatewayIT
class ConsoleBrowserIT {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final String PASSWORD = "console-password-1";
    /** The IT configuration's routes that stand in for the demo's /api/orders, /api/cart and /api/inventory. */
    private static final String ORDERS = "/jwt/console";

    private static final String CART = "/cart";
    private static final String INVENTORY = "/inventory";
    private static final Pattern USER_ID = Pattern.compile("\\(user id ([^)]+)\\)");

    private Path profile;
    private WebDriver browser;

    @BeforeAll
    static void requireChromium() {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: install Debian's chromium (.ci/run does)");
        assertTrue(
                Files.isExecutable(CHROMEDRIVER),
                CHROMEDRIVER + " is missing: install Debian's chromium-driver (.ci/run does)");
    }

    /** A fresh browser with a fresh profile; its driver process ends with it ({@link WebDriver#quit}). */
    private void openBrowser() throws IOException {
        profile = Files.createTempDirectory("portcullis-chromium-");
        // The driver is given explicitly, so Selenium Manager never looks for (or downloads) one.
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
                "--window-size=1280,1000",
                "--user-data-dir=" + profile);
        browser = new ChromeDriver(service, options);
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

    @OnEachNode
    @Timeout(180)
    void consoleWhenANewcomerWalksThroughThenEveryStepShowsTheGatewayAtWork(GatewayNode node) throws Exception {
        AuthConfig auth = ItTokens.config().auth();
        openBrowser();
        browser.get(node.uri("/console/").toString());
        assertEquals("Portcullis demo console", browser.getTitle());
        waitUntil("the console's script ran", () -> !element("script-status").isDisplayed());
        useRoutes();

        String username =
                "console-" + node.name() + "-" + UUID.randomUUID().toString().substring(0, 8);
        type("username", username);
        type("password", PASSWORD);
        click("register");
        waitForText("login-result", text -> text.startsWith("Registered " + username));
        assertTrue(text("login-result").contains("201 Created"), text("login-result"));

        click("login");
        waitForText("login-result", text -> text.startsWith("Logged in as " + username));
        Instant loggedIn = Instant.now();
        String session = text("session");
        assertTrue(session.startsWith("Signed in as " + username), session);
        assertTrue(session.contains("Access token expires in"), session);
        Matcher userId = USER_ID.matcher(session);
        assertTrue(userId.find(), session);

        // A JWT route: the upstream learns who is calling, not the token.
        click("call-orders");
        waitForText("orders-result", text -> !text.isEmpty());
        assertEquals("200 OK.", text("orders-result"));
        assertEquals(
                Map.of(
                        "x-auth-method",
                        "jwt",
                        "x-user-id",
                        userId.group(1),
                        "x-user-roles",
                        "user",
                        "x-client-id",
                        "(not sent)",
                        "authorization",
                        "(not sent)"),
                identityHeaders(List.of("x-auth-method", "x-user-id", "x-user-roles", "x-client-id", "authorization")));
        assertFalse(identityHeaders(List.of("x-request-id")).get("x-request-id").isBlank());

        // The direct route: nothing in Redis yet, then the application's value for this user.
        click("call-cart");
        waitForText("cart-result", text -> text.startsWith("404 Not Found"));
        GatewayRedis.redis().command("SET", "it:cart:" + userId.group(1), "{\"items\":[{\"sku\":\"tea\",\"qty\":2}]}");
        click("call-cart");
        waitForText("cart-result", text -> text.startsWith("200 OK"));
        assertTrue(text("cart-body").contains("\"sku\": \"tea\""), text("cart-body"));

        // An API key of one's own, then its calls count down to a 429.
        type("apikey-name", "console-" + node.name());
        type("apikey-scopes", "");
        click("create-apikey");
        waitForText("apikey-result", text -> !text.isEmpty());
        assertTrue(text("apikey-result").startsWith("201 Created"), text("apikey-result"));
        assertTrue(text("apikey-secret").length() >= 20, text("apikey-secret"));
        click("call-inventory-until-limited");
        waitForText("apikey-result", text -> text.startsWith("429"));
        List<WebElement> calls = browser.findElements(By.cssSelector("#ratelimit-rows tr"));
        assertEquals(List.of("200 OK", "200 OK", "200 OK", "429 Too Many Requests"), column(calls, "status"));
        assertEquals(List.of("2", "1", "0", "0"), column(calls, "remaining"));
        assertEquals(List.of("3 per 60 s", "3 per 60 s", "3 per 60 s", "3 per 60 s"), column(calls, "quota"));
        String retryAfter = column(calls, "retry-after").get(3);
        assertTrue(retryAfter.matches("[1-9][0-9]*"), "Retry-After: " + retryAfter);

        // The access token expires (access-ttl plus the leeway the gateway allows): two calls at once are both
        // refused, the client refreshes once for both and retries each, and the user sees both answers.
        waitUntil(
                "the page shows the access token expired",
                () -> text("session").contains("Access token expired"),
                auth.accessTtl().plusSeconds(10));
        sleepUntil(loggedIn.plus(auth.accessTtl()).plus(auth.leeway()).plusSeconds(2));
        click("call-orders-twice");
        waitForText("orders-result", text -> text.contains("retried"));
        assertEquals(
                "200 OK and 200 OK. Both first tries got a 401; the client refreshed the token pair once for "
                        + "both and retried each.",
                text("orders-result"));
        assertEquals(userId.group(1), identityHeaders(List.of("x-user-id")).get("x-user-id"));
        List<String> exchanges = new java.util.ArrayList<>(lastExchanges(5));
        java.util.Collections.sort(exchanges);
        assertEquals(
                List.of(
                        "GET " + ORDERS + " → 401 Unauthorized",
                        "GET " + ORDERS + " → 401 Unauthorized",
                        "retry after refresh GET " + ORDERS + " → 200 OK",
                        "retry after refresh GET " + ORDERS + " → 200 OK",
                        "token refresh POST /auth/refresh → 200 OK"),
                exchanges);
        assertTrue(text("session").contains("Token refreshes: 1."), text("session"));
        assertTrue(text("session").contains("Access token expires in"), text("session"));

        // Log out: the client forgets its tokens, and the old access token is refused everywhere.
        click("logout");
        waitForText("logout-result", text -> text.startsWith("Logged out"));
        assertEquals("Not signed in.", text("session"));
        assertEquals(List.of("POST /auth/logout → 204 No Content"), lastExchanges(1));
        click("call-old-token");
        waitForText("old-token-result", text -> !text.isEmpty());
        String refused = text("old-token-result");
        assertTrue(refused.startsWith("401 Unauthorized"), refused);
        assertTrue(refused.contains("revoked"), refused);
    }

    @OnEachNode
    void consoleFilesWhenFetchedThenTypedRevalidatedAndUnderAStrictPolicy(GatewayNode node) {
        HttpResponse<byte[]> page = Http.get(node, "/console/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html;charset=utf-8", header(page, "Content-Type").toLowerCase(java.util.Locale.ROOT));
        assertEquals("no-cache", header(page, "Cache-Control"));
        assertEquals("nosniff", header(page, "X-Content-Type-Options"));
        String policy = header(page, "Content-Security-Policy");
        assertTrue(policy.startsWith("default-src 'none'; script-src 'self';"), policy);
        assertFalse(policy.contains("unsafe"), policy);

        HttpResponse<byte[]> client = Http.get(node, "/console/portcullis-client.js");
        assertEquals(200, client.statusCode());
        assertTrue(header(client, "Content-Type").startsWith("text/javascript"), header(client, "Content-Type"));
        assertTrue(new String(client.body(), StandardCharsets.UTF_8).contains("export function createClient"));
        assertEquals(
                304,
                Http.get(node, "/console/portcullis-client.js", "If-None-Match", header(client, "ETag"))
                        .statusCode());

        HttpResponse<byte[]> bare = Http.get(node, "/console");
        assertEquals(301, bare.statusCode());
        assertEquals("/console/", header(bare, "Location"));
        Http.assertProblem(Http.get(node, "/console/WEB-INF/web.xml"), 404, "Not Found");
        Http.assertProblem(Http.get(node, "/console/missing.js"), 404, "Not Found");
    }

    private static String header(HttpResponse<byte[]> response, String name) {
        return response.headers().firstValue(name).orElse("");
    }

    private void useRoutes() {
        browser.findElement(By.cssSelector("#settings summary")).click();
        type("setting-orders", ORDERS);
        type("setting-cart", CART);
        type("setting-inventory", INVENTORY);
        assertEquals("GET " + ORDERS, text("call-orders"));
    }

    private WebElement element(String id) {
        return browser.findElement(By.id(id));
    }

    private String text(String id) {
        return element(id).getText().trim();
    }

    private void type(String id, String value) {
        WebElement input = element(id);
        input.clear();
        input.sendKeys(value);
    }

    private void click(String id) {
        WebElement button = element(id);
        waitUntil("#" + id + " is enabled", button::isEnabled);
        button.click();
    }

    private void waitForText(String id, Predicate<String> expected) {
        try {
            new WebDriverWait(browser, WAIT).until(driver -> expected.test(text(id)));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("#" + id + " shows \"" + text(id) + "\"; the log shows " + lastExchanges(5), e);
        }
    }

    private void waitUntil(String what, java.util.function.BooleanSupplier condition) {
        waitUntil(what, condition, WAIT);
    }

    private void waitUntil(String what, java.util.function.BooleanSupplier condition, Duration within) {
        try {
            new WebDriverWait(browser, within).until(driver -> condition.getAsBoolean());
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("waited " + within.toSeconds() + " s for: " + what, e);
        }
    }

    private static void sleepUntil(Instant moment) throws InterruptedException {
        long millis = Duration.between(Instant.now(), moment).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    /** The identity table under the JWT route: header name to the value the upstream received. */
    private Map<String, String> identityHeaders(List<String> names) {
        Map<String, String> shown = new java.util.LinkedHashMap<>();
        for (String name : names) {
            shown.put(
                    name,
                    browser.findElement(By.cssSelector("#identity tr[data-header='" + name + "'] td"))
                            .getText());
        }
        return shown;
    }

    private static List<String> column(List<WebElement> rows, String cell) {
        return rows.stream()
                .map(row -> row.findElement(By.className(cell)).getText())
                .toList();
    }

    /** The newest {@code count} entries of the page's log, oldest first, as their one-line summaries. */
    private List<String> lastExchanges(int count) {
        List<String> newestFirst = browser.findElements(By.cssSelector("#log > li .line")).stream()
                .limit(count)
                .map(line -> line.getText().replaceFirst("^#\\d+\\s+", "").replaceAll("\\s+", " "))
                .toList();
        List<String> oldestFirst = new java.util.ArrayList<>(newestFirst);
        java.util.Collections.reverse(oldestFirst);
        return oldestFirst;
    }
}
