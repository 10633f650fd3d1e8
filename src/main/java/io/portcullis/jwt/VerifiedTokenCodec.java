package io.portcullis.jwt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON form of a {@link VerifiedToken} shared through {@link VerifiedTokenStore}: the verified payload,
 * never the token or its signature, marked with its {@link #VERSION}. Times are epoch milliseconds. Stateless and
 * thread-safe.
 */
final class VerifiedTokenCodec {
    private static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Payloads of another version are ignored (verified afresh). Version 2: qualified foreign subjects and
     * consumer roles from the consumer's entry; a version-1 payload shared by a node not yet upgraded could
     * carry a consumer's self-granted roles.
     */
    static final int VERSION = 2;

    private VerifiedTokenCodec() {}

    static String encode(VerifiedToken token) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("v", VERSION);
        json.put("sub", token.subject());
        json.put("iss", token.issuer());
        token.jti().ifPresent(jti -> json.put("jti", jti));
        token.sessionId().ifPresent(sid -> json.put("sid", sid));
        token.issuedAt().ifPresent(iat -> json.put("iat", iat.toEpochMilli()));
        json.put("exp", token.expiresAt().toEpochMilli());
        json.put("scopes", token.scopes());
        json.put("roles", token.roles());
        json.put("claims", token.claims());
        try {
            return JSON.writeValueAsString(json);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot happen: writing strings and lists", e);
        }
    }

    /** The token, or empty when the payload is not one this codec wrote. */
    static Optional<VerifiedToken> decode(String payload) {
        try {
            JsonNode json = JSON.readTree(payload);
            if (json.path("v").asInt() != VERSION
                    || !json.path("sub").isTextual()
                    || !json.path("iss").isTextual()
                    || !json.path("exp").canConvertToLong()) {
                return Optional.empty();
            }
            Map<String, String> claims = new LinkedHashMap<>();
            json.path("claims")
                    .fields()
                    .forEachRemaining(e -> claims.put(e.getKey(), e.getValue().asText()));
            return Optional.of(new VerifiedToken(
                    json.path("sub").asText(),
                    json.path("iss").asText(),
                    text(json, "jti"),
                    text(json, "sid"),
                    json.path("iat").canConvertToLong()
                            ? Optional.of(Instant.ofEpochMilli(json.path("iat").asLong()))
                            : Optional.empty(),
                    Instant.ofEpochMilli(json.path("exp").asLong()),
                    strings(json.path("scopes")),
                    strings(json.path("roles")),
                    claims));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode json, String field) {
        return json.path(field).isTextual() ? Optional.of(json.path(field).asText()) : Optional.empty();
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
