package io.portcullis.jwt;

import com.auth0.jwt.algorithms.Algorithm;
import io.portcullis.config.AuthConfig;
import java.util.Map;
import java.util.Optional;

/**
 * One key of the gateway's key ring: its id, the JWS algorithm it is used with (the only one a token
 * naming this kid may use), the java-jwt algorithm that signs and verifies with it, and its public JWK
 * (absent for HMAC secrets, which are never published). Immutable and thread-safe.
 */
public record SigningKey(
        String kid, AuthConfig.Algorithm algorithm, Algorithm jwtAlgorithm, Optional<Map<String, Object>> publicJwk) {

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", algorithm=" + algorithm + "]";
    }
}
