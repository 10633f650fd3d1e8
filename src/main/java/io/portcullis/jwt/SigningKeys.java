package io.portcullis.jwt;

import com.auth0.jwt.algorithms.Algorithm;
import io.portcullis.config.AuthConfig;
import io.portcullis.config.ConfigException;
import io.portcullis.config.Secret;
import java.math.BigInteger;
import java.security.InvalidAlgorithmParameterException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's key ring: the first key signs, every key verifies (rotation: add a key in front, drop the
 * old one once its tokens have expired). Keys are checked at start-up: RSA at least 2048 bits, ES256 on
 * P-256, HMAC secrets at least 256 bits. In demo mode without keys a key is generated and a warning
 * logged. Immutable and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517">RFC 7517 (JWK)</a>
 */
public final class SigningKeys {
    static final int MIN_RSA_BITS = 2048;
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);

    private final List<SigningKey> keys;
    private final Map<String, SigningKey> byKid;

    SigningKeys(List<SigningKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a key ring needs a key");
        }
        this.keys = List.copyOf(keys);
        Map<String, SigningKey> index = new LinkedHashMap<>();
        for (SigningKey key : keys) {
            index.put(key.kid(), key);
        }
        this.byKid = Map.copyOf(index);
    }

    /**
     * Loads the configured keys, or generates one in demo mode.
     *
     * @throws ConfigException naming each key that cannot be used
     */
    public static SigningKeys load(AuthConfig auth, boolean demo, String source) {
        if (auth.signingKeys().isEmpty()) {
            if (!demo) {
                throw new ConfigException(source, List.of("auth.signing-keys: required outside demo mode"));
            }
            LOG.warn(
                    "DEMO: no auth.signing-keys configured; generated a {} key for this process only "
                            + "(tokens stop verifying when it restarts)",
                    auth.algorithm());
            return new SigningKeys(List.of(generate(auth.algorithm(), "demo")));
        }
        List<String> problems = new ArrayList<>();
        List<SigningKey> keys = new ArrayList<>();
        for (int i = 0; i < auth.signingKeys().size(); i++) {
            AuthConfig.SigningKeyConfig config = auth.signingKeys().get(i);
            String path = "auth.signing-keys[" + i + "]";
            try {
                keys.add(load(config, auth.algorithm()));
            } catch (IllegalArgumentException e) {
                problems.add(path + (config.file().isPresent() ? ".file" : ".secret") + ": " + e.getMessage()
                        + config.file().map(f -> " (was \"" + f + "\")").orElse(""));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(source, problems);
        }
        return new SigningKeys(keys);
    }

    private static SigningKey load(AuthConfig.SigningKeyConfig config, AuthConfig.Algorithm algorithm) {
        if (algorithm.symmetric()) {
            Secret secret = config.secret().orElseThrow(() -> new IllegalArgumentException("HS256 needs a secret"));
            return new SigningKey(config.kid(), algorithm, Algorithm.HMAC256(secret.bytes()), Optional.empty());
        }
        KeyPair pair =
                PemKeys.read(config.file().orElseThrow(() -> new IllegalArgumentException("a PEM file is needed")));
        return fromKeyPair(config.kid(), algorithm, pair);
    }

    static SigningKey fromKeyPair(String kid, AuthConfig.Algorithm algorithm, KeyPair pair) {
        if (algorithm == AuthConfig.Algorithm.RS256) {
            if (!(pair.getPrivate() instanceof RSAPrivateKey priv) || !(pair.getPublic() instanceof RSAPublicKey pub)) {
                throw new IllegalArgumentException(
                        "RS256 needs an RSA key, found " + pair.getPrivate().getAlgorithm());
            }
            if (pub.getModulus().bitLength() < MIN_RSA_BITS) {
                throw new IllegalArgumentException("RSA key of "
                        + pub.getModulus().bitLength() + " bits is too short: RS256 needs at least " + MIN_RSA_BITS);
            }
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("kty", "RSA");
            jwk.put("kid", kid);
            jwk.put("use", "sig");
            jwk.put("alg", "RS256");
            jwk.put("n", base64Url(pub.getModulus(), 0));
            jwk.put("e", base64Url(pub.getPublicExponent(), 0));
            return new SigningKey(kid, algorithm, Algorithm.RSA256(pub, priv), Optional.of(Map.copyOf(jwk)));
        }
        if (!(pair.getPrivate() instanceof ECPrivateKey priv) || !(pair.getPublic() instanceof ECPublicKey pub)) {
            throw new IllegalArgumentException(
                    "ES256 needs an EC key, found " + pair.getPrivate().getAlgorithm());
        }
        if (pub.getParams().getCurve().getField().getFieldSize() != 256) {
            throw new IllegalArgumentException("ES256 needs a P-256 key");
        }
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "EC");
        jwk.put("kid", kid);
        jwk.put("use", "sig");
        jwk.put("alg", "ES256");
        jwk.put("crv", "P-256");
        jwk.put("x", base64Url(pub.getW().getAffineX(), 32));
        jwk.put("y", base64Url(pub.getW().getAffineY(), 32));
        return new SigningKey(kid, algorithm, Algorithm.ECDSA256(pub, priv), Optional.of(Map.copyOf(jwk)));
    }

    static SigningKey generate(AuthConfig.Algorithm algorithm, String kid) {
        try {
            return switch (algorithm) {
                case HS256 -> {
                    byte[] secret = new byte[32];
                    new SecureRandom().nextBytes(secret);
                    yield new SigningKey(kid, algorithm, Algorithm.HMAC256(secret), Optional.empty());
                }
                case RS256 -> {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                    generator.initialize(MIN_RSA_BITS);
                    yield fromKeyPair(kid, algorithm, generator.generateKeyPair());
                }
                case ES256 -> {
                    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                    generator.initialize(new ECGenParameterSpec("secp256r1"));
                    yield fromKeyPair(kid, algorithm, generator.generateKeyPair());
                }
            };
        } catch (NoSuchAlgorithmException | InvalidAlgorithmParameterException e) {
            throw new IllegalStateException("this JVM cannot generate a " + algorithm + " key", e);
        }
    }

    /** The key that signs new tokens. */
    public SigningKey signing() {
        return keys.get(0);
    }

    /** The key with this id, compared exactly (a kid is a name, never a path or URL). */
    public Optional<SigningKey> byKid(String kid) {
        return kid == null ? Optional.empty() : Optional.ofNullable(byKid.get(kid));
    }

    public List<SigningKey> all() {
        return keys;
    }

    /** The public keys as a JWK Set; HMAC secrets are never included. */
    public Map<String, Object> jwks() {
        List<Map<String, Object>> published = new ArrayList<>();
        for (SigningKey key : keys) {
            key.publicJwk().ifPresent(published::add);
        }
        return Map.of("keys", published);
    }

    /** Unsigned big-endian base64url, left-padded to {@code length} bytes when length &gt; 0. */
    private static String base64Url(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        if (length > 0 && bytes.length < length) {
            byte[] padded = new byte[length];
            System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
            bytes = padded;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
