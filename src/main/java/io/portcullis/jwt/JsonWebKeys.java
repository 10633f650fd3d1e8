package io.portcullis.jwt;

import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a JWK Set (an issuer's {@code jwks_uri} document) into verification algorithms by key id. Only
 * signature keys that fix their algorithm are kept: RSA keys of at least 2048 bits (RS256) and P-256 EC keys
 * (ES256). A key without {@code kid}, with {@code use} other than {@code sig}, with an {@code alg} that does
 * not match its type, or of any other type is skipped, so an HMAC algorithm can never be paired with a public
 * key. Stateless and thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517">RFC 7517 (JWK)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-6">RFC 7518 §6 (key parameters)</a>
 */
final class JsonWebKeys {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    private JsonWebKeys() {}

    /**
     * The usable keys of a JWK Set, by kid.
     *
     * @throws IOException when the document is not a JSON object with a {@code keys} array
     */
    static Map<String, Algorithm> parse(String document) throws IOException {
        JsonNode keys = JSON.readTree(document).path("keys");
        if (!keys.isArray()) {
            throw new IOException("not a JWK Set: no \"keys\" array");
        }
        Map<String, Algorithm> usable = new LinkedHashMap<>();
        for (JsonNode key : keys) {
            String kid = key.path("kid").asText("");
            if (kid.isEmpty()
                    || usable.containsKey(kid)
                    || !key.path("use").asText("sig").equals("sig")) {
                continue;
            }
            toAlgorithm(key).ifPresent(algorithm -> usable.put(kid, algorithm));
        }
        return Map.copyOf(usable);
    }

    private static Optional<Algorithm> toAlgorithm(JsonNode key) {
        String alg = key.path("alg").asText("");
        try {
            return switch (key.path("kty").asText("")) {
                case "RSA" ->
                    alg.isEmpty() || alg.equals("RS256")
                            ? rsa(key).map(k -> Algorithm.RSA256(k, null))
                            : Optional.empty();
                case "EC" ->
                    alg.isEmpty() || alg.equals("ES256")
                            ? ec(key).map(k -> Algorithm.ECDSA256(k, null))
                            : Optional.empty();
                default -> Optional.empty();
            };
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<RSAPublicKey> rsa(JsonNode key) throws GeneralSecurityException {
        BigInteger modulus = unsigned(key.path("n").asText(""));
        BigInteger exponent = unsigned(key.path("e").asText(""));
        if (modulus.bitLength() < SigningKeys.MIN_RSA_BITS || exponent.signum() <= 0) {
            return Optional.empty();
        }
        return Optional.of(
                (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent)));
    }

    private static Optional<ECPublicKey> ec(JsonNode key) throws GeneralSecurityException {
        if (!key.path("crv").asText("").equals("P-256")) {
            return Optional.empty();
        }
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec p256 = parameters.getParameterSpec(ECParameterSpec.class);
        ECPoint point = new ECPoint(
                unsigned(key.path("x").asText("")), unsigned(key.path("y").asText("")));
        return Optional.of((ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, p256)));
    }

    private static BigInteger unsigned(String base64url) {
        if (base64url.isEmpty()) {
            throw new IllegalArgumentException("missing key parameter");
        }
        return new BigInteger(1, BASE64URL.decode(base64url));
    }
}
