package io.portcullis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Rules of the main sources that the compiler does not check. */
class SourceRulesTest {
    private static final Pattern QUALIFIED =
            Pattern.compile("(?<![\\w.])(?:java|javax|jakarta|org|com|io|ch)\\.(?:[a-z][a-z0-9_]*\\.)+[A-Z]\\w*");
    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"");
    /** A name that cannot be imported: it clashes with a class of the file, or one the file imports. */
    private static final Set<String> CLASHES = Set.of(
            "io/portcullis/waf/Normalizer.java: java.text.Normalizer",
            "io/portcullis/jwt/TokenVerifier.java: com.auth0.jwt.interfaces.Verification",
            "io/portcullis/jwt/PemKeys.java: org.bouncycastle.math.ec.ECPoint",
            "io/portcullis/logging/LoggingSetup.java: ch.qos.logback.classic.Logger");

    @Test
    void sourcesWhenScannedThenNoInlineFullyQualifiedClassName() throws IOException {
        Path root = Path.of("src/main/java");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                List<String> lines = Files.readAllLines(file);
                for (int i = 0; i < lines.size(); i++) {
                    String line = lines.get(i).strip();
                    if (line.startsWith("import ")
                            || line.startsWith("package ")
                            || line.startsWith("*")
                            || line.startsWith("/*")
                            || line.startsWith("//")) {
                        continue;
                    }
                    var matcher = QUALIFIED.matcher(STRING.matcher(line).replaceAll("\"\""));
                    while (matcher.find()) {
                        if (!CLASHES.contains(relative + ": " + matcher.group())) {
                            found.add(relative + ":" + (i + 1) + ": " + matcher.group());
                        }
                    }
                }
            }
        }
        assertEquals(List.of(), found, "import the class instead");
    }
}
