package io.portcullis.jwt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.config.AuthConfig;
import io.portcullis.config.ConfigException;
import io.portcullis.config.Secret;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SigningKeysTest {
    @TempDir
    Path dir;

    private AuthConfig auth(AuthConfig.Algorithm algorithm, List<AuthConfig.SigningKeyConfig> keys) {
        AuthConfig base = TokenVerifierTest.config(algorithm);
        return new AuthConfig(
                base.path(),
                base.issuer(),
                base.audience(),
                algorithm,
                keys,
                base.accessTtl(),
                base.refreshTtl(),
                base.idleTimeout(),
                base.leeway(),
                base.refreshGrace(),
                base.tokenCache(),
                base.users(),
                base.registration(),
                base.trustedIssuers(),
                base.consumers());
    }

    private Path pem(String name, Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        Path file = dir.resolve(name);
        Files.writeString(file, text.toString());
        return file;
    }

    private static KeyPair rsa(int bits) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    @Test
    void loadWhenPkcs1AndPkcs8RsaThenBothPublishedInJwks() throws Exception {
        KeyPair pair = rsa(2048);
        Path pkcs1 = pem("k1.pem", pair.getPrivate());
        Path pkcs8 = pem("k2.pem", new JcaPKCS8Generator(rsa(2048).getPrivate(), null));
        SigningKeys keys = SigningKeys.load(
                auth(
                        AuthConfig.Algorithm.RS256,
                        List.of(
                                new AuthConfig.SigningKeyConfig("k1", Optional.of(pkcs1), Optional.empty()),
                                new AuthConfig.SigningKeyConfig("k2", Optional.of(pkcs8), Optional.empty()))),
                false,
                "test");
        assertEquals("k1", keys.signing().kid());
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> published =
                (List<Map<String, Object>>) keys.jwks().get("keys");
        assertEquals(
                List.of("k1", "k2"), published.stream().map(k -> k.get("kid")).toList());
        assertEquals("RSA", published.get(0).get("kty"));
        assertTrue(keys.byKid("k2").isPresent());
        assertFalse(keys.byKid("../k2").isPresent());
    }

    @Test
    void loadWhenEcPkcs8ThenPublicKeyDerived() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        Path file =
                pem("ec.pem", new JcaPKCS8Generator(generator.generateKeyPair().getPrivate(), null));
        SigningKeys keys = SigningKeys.load(
                auth(
                        AuthConfig.Algorithm.ES256,
                        List.of(new AuthConfig.SigningKeyConfig("e1", Optional.of(file), Optional.empty()))),
                false,
                "test");
        Map<String, Object> jwk = keys.signing().publicJwk().orElseThrow();
        assertEquals("P-256", jwk.get("crv"));
        assertEquals(43, ((String) jwk.get("x")).length());
    }

    @Test
    void loadWhenRsaKeyTooShortThenProblemNamesKey() throws Exception {
        Path file = pem("short.pem", rsa(1024).getPrivate());
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> SigningKeys.load(
                        auth(
                                AuthConfig.Algorithm.RS256,
                                List.of(new AuthConfig.SigningKeyConfig("k1", Optional.of(file), Optional.empty()))),
                        false,
                        "test"));
        assertTrue(
                e.problems().get(0).startsWith("auth.signing-keys[0].file: RSA key of 1024 bits is too short"),
                e.problems().get(0));
    }

    @Test
    void loadWhenNotPemThenProblem() throws Exception {
        Path file = dir.resolve("junk.pem");
        Files.writeString(file, "hello");
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> SigningKeys.load(
                        auth(
                                AuthConfig.Algorithm.RS256,
                                List.of(new AuthConfig.SigningKeyConfig("k1", Optional.of(file), Optional.empty()))),
                        false,
                        "test"));
        assertTrue(
                e.problems().get(0).contains("no PEM private key found"),
                e.problems().get(0));
    }

    @Test
    void loadWhenNoKeysOutsideDemoThenRefused() {
        assertThrows(
                ConfigException.class, () -> SigningKeys.load(auth(AuthConfig.Algorithm.RS256, List.of()), false, "t"));
    }

    @Test
    void loadWhenNoKeysInDemoThenGenerated() {
        SigningKeys keys = SigningKeys.load(auth(AuthConfig.Algorithm.RS256, List.of()), true, "t");
        assertEquals("demo", keys.signing().kid());
    }

    @Test
    void jwksWhenHmacThenSecretNeverPublished() {
        SigningKeys keys = SigningKeys.load(
                auth(
                        AuthConfig.Algorithm.HS256,
                        List.of(new AuthConfig.SigningKeyConfig(
                                "h1", Optional.empty(), Optional.of(Secret.of("0123456789abcdef0123456789abcdef"))))),
                false,
                "t");
        assertEquals(Map.of("keys", List.of()), keys.jwks());
    }
}
