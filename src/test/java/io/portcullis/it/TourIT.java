package io.portcullis.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's tour, {@code docs/tour.sh}, run as it is against the built-in demo, so the page a new user follows
 * cannot drift from what the gateway answers. The demo runs as {@code mvn jetty:run} starts it — the real WAR in
 * Jetty 12 with {@code -Dportcullis.demo=true} and {@code -Djetty.http.port} — but in a JVM of its own
 * ({@link ExtraNode}) on the reserved port {@code gw.extra.port}, not 8080: starting a second Maven build for
 * {@code jetty:run} inside this one would cost a minute of CI and need port 8080 free, and the reserved port also
 * proves that the demo's echo upstream and issuer follow the port the gateway listens on.
 */
class TourIT {
    private static final Path TOUR = Path.of("docs/tour.sh");

    /** The README shows the script itself, from its first command to its last line, not a copy that could age. */
    @Test
    void readmeWhenReadThenItHoldsTheTourScriptAsItIs() throws Exception {
        String script = Files.readString(TOUR, StandardCharsets.UTF_8);
        String body = script.substring(script.indexOf("set -euo pipefail"));
        String readme = Files.readString(Path.of("README.md"), StandardCharsets.UTF_8);

        assertTrue(readme.contains("```bash\n" + body + "```"), "README.md does not show docs/tour.sh as it is");
        assertTrue(readme.getBytes(StandardCharsets.UTF_8).length < 30 * 1024, "README.md is 30 KB or more");
    }

    @Test
    void tourWhenRunAgainstTheDemoThenEveryStepAnswersAsTheReadmeSays(@TempDir Path work) throws Exception {
        try (ExtraNode demo = new ExtraNode(
                work,
                ExtraNode.DEFAULT_JVM_OPTIONS,
                List.of("-Dportcullis.demo=true", "-Djetty.http.port=" + ExtraNode.PORT))) {
            demo.start();
            Path output = work.resolve("tour.out");
            Process tour = new ProcessBuilder("bash", TOUR.toString(), "http://127.0.0.1:" + ExtraNode.PORT)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!tour.waitFor(120, TimeUnit.SECONDS)) {
                tour.destroyForcibly();
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);

            assertEquals(0, tour.isAlive() ? -1 : tour.exitValue(), text);
            assertTrue(text.strip().endsWith("tour complete"), text);
            assertTrue(text.contains("ok  path the upstream received: /hello"), text);
        }
    }
}
