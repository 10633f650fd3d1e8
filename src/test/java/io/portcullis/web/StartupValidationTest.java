package io.portcullis.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.config.ConfigException;
import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StartupValidationTest {
    @TempDir
    Path dir;

    private GatewayConfig config(String yaml) {
        return new ConfigLoader()
                .parse("test.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), dir);
    }

    @Test
    void assembleWhenBadPemKeysAndBadRulesFileThenOneConfigExceptionListsEveryProblem() throws Exception {
        Files.writeString(dir.resolve("junk.pem"), "hello");
        Files.writeString(dir.resolve("empty.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        Files.writeString(dir.resolve("rules.yaml"), "rules: [ { id: 100003, targets: [ARGS], pattern: 'a(b' } ]\n");
        GatewayConfig config = config("auth: { algorithm: RS256, signing-keys: [ { kid: k1, file: junk.pem }, "
                + "{ kid: k2, file: empty.pem } ] }\nwaf: { rules-file: rules.yaml }\n");

        ConfigException e = assertThrows(ConfigException.class, () -> Gateway.assemble(config, Clock.systemUTC()));

        List<String> problems = e.problems();
        assertEquals(3, problems.size(), e.getMessage());
        assertTrue(problems.get(0).startsWith("auth.signing-keys[0].file: no PEM private key found"), problems.get(0));
        assertTrue(problems.get(0).contains("junk.pem"), problems.get(0));
        assertTrue(problems.get(1).startsWith("auth.signing-keys[1].file: "), problems.get(1));
        assertTrue(problems.get(1).contains("empty.pem"), problems.get(1));
        assertTrue(problems.get(2).startsWith("waf.rules-file: rules[0].pattern"), problems.get(2));
        assertTrue(problems.get(2).contains("a(b") && problems.get(2).contains("rules.yaml"), problems.get(2));
        assertTrue(e.getMessage().startsWith("test.yaml") || e.getMessage().contains("test.yaml"), e.getMessage());
    }

    @Test
    void assembleWhenOnlyRulesFileReusesABuiltInIdThenConfigExceptionNamesTheKeyAndTheId() throws Exception {
        Files.writeString(dir.resolve("rules.yaml"), "rules: [ { id: 932235, targets: [ARGS], pattern: x } ]\n");
        GatewayConfig config = config("auth: { algorithm: HS256, signing-keys: [ { kid: k1, "
                + "secret: \"unit-test-secret-0123456789abcdef\" } ] }\nwaf: { rules-file: rules.yaml }\n");

        ConfigException e = assertThrows(ConfigException.class, () -> Gateway.assemble(config, Clock.systemUTC()));

        assertEquals(1, e.problems().size(), e.getMessage());
        assertTrue(
                e.problems().get(0).startsWith("waf.rules-file: rules[0].id: 932235 is a built-in rule id"),
                e.problems().get(0));
    }

    @Test
    void checkWhenEverythingValidThenKeysAndRulesReady() {
        GatewayConfig config = config("auth: { algorithm: HS256, signing-keys: [ { kid: k1, "
                + "secret: \"unit-test-secret-0123456789abcdef\" } ] }\n");

        StartupValidation.Checked checked = StartupValidation.check(config);

        assertTrue(!checked.wafRules().isEmpty());
        assertEquals(1, checked.signingKeys().all().size());
    }
}
