package io.portcullis.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code auth.trusted-issuers} entries without {@code jwks-uri}: found by OpenID Connect discovery. */
class TrustedIssuerDiscoveryConfigTest {
    private final ConfigLoader loader = new ConfigLoader(name -> null);

    private GatewayConfig parse(String issuerEntry) {
        String yaml = "gateway: {demo: true}\nauth:\n  trusted-issuers:\n    - " + issuerEntry + "\n";
        return loader.parse("test.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), Path.of("."));
    }

    @Test
    void parseWhenIssuerAloneThenDiscoveredUnderIt() {
        AuthConfig.TrustedIssuerConfig issuer = parse("{ issuer: \"https://login.example.com/tenant/v2.0\" }")
                .auth()
                .trustedIssuers()
                .get(0);

        assertEquals(Optional.empty(), issuer.jwksUri());
        assertEquals(
                URI.create("https://login.example.com/tenant/v2.0/.well-known/openid-configuration"),
                issuer.discoveryUri());
        assertEquals("login.example.com", issuer.alias());
    }

    @Test
    void parseWhenIssuerWithTrailingSlashThenDiscoveryWithoutDoubleSlash() {
        assertEquals(
                URI.create("https://tenant.auth0.example/.well-known/openid-configuration"),
                parse("{ issuer: \"https://tenant.auth0.example/\" }")
                        .auth()
                        .trustedIssuers()
                        .get(0)
                        .discoveryUri());
    }

    @Test
    void parseWhenJwksUriGivenThenNoDiscovery() {
        assertEquals(
                Optional.of(URI.create("https://idp.example/certs")),
                parse("{ issuer: \"https://idp.example\", jwks-uri: \"https://idp.example/certs\" }")
                        .auth()
                        .trustedIssuers()
                        .get(0)
                        .jwksUri());
    }

    @Test
    void parseWhenLoopbackHttpIssuerAloneThenAccepted() {
        assertEquals(
                Optional.empty(),
                parse("{ issuer: \"http://127.0.0.1:8080/realms/it\", alias: it }")
                        .auth()
                        .trustedIssuers()
                        .get(0)
                        .jwksUri());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "http://idp.example/realms/main",
                "portcullis-partner",
                "https://idp.example/?tenant=a",
                "https://idp.example/#x",
                "https://user@idp.example"
            })
    void parseWhenIssuerAloneCannotBeDiscoveredThenRefusedNamingIt(String issuer) {
        List<String> problems = assertThrows(
                        ConfigException.class, () -> parse("{ issuer: \"" + issuer + "\", alias: x }"))
                .problems();

        assertEquals(
                List.of("auth.trusted-issuers[0].issuer: without jwks-uri, the keys are found by OpenID Connect "
                        + "discovery under the issuer, so it must be an https:// URL without query or fragment (http:// only "
                        + "for a loopback host); or give jwks-uri (was \"" + issuer + "\")"),
                problems);
    }
}
