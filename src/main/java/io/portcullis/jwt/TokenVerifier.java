package io.portcullis.jwt;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.IncorrectClaimException;
import com.auth0.jwt.exceptions.JWTDecodeException;
import com.auth0.jwt.exceptions.JWTVerificationException;
import com.auth0.jwt.exceptions.MissingClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.Claim;
import com.auth0.jwt.interfaces.DecodedJWT;
import io.portcullis.config.AuthConfig;
import io.portcullis.jwt.Verification.Failure;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies access tokens in named steps: {@link #parse}, {@link #checkHeader}, {@link #selectVerifier},
 * then signature, type and time claims, issuer and audience through java-jwt verifiers built once per key.
 * The algorithm comes from the key the {@code kid} names, never from the token's header alone; {@code none}
 * is refused in any casing, and {@code jku}, {@code x5u}, {@code jwk}, {@code x5c} headers are refused
 * rather than followed. Revocation is checked by the JWT stage afterwards. Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725">RFC 8725 (JWT best current practices)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068">RFC 9068 (JWT access tokens)</a>
 */
public final class TokenVerifier {
    /** Longer tokens are refused before any parsing. */
    public static final int MAX_TOKEN_LENGTH = 8 * 1024;
    public static final String ACCESS_TYPE_HEADER = "at+jwt";
    public static final String ACCESS_TYPE_CLAIM = "access";
    private static final Set<String> REFUSED_HEADERS = Set.of("jku", "x5u", "jwk", "x5c", "crit");

    private final String issuer;
    private final Map<String, JWTVerifier> ownKeys;
    private final Map<String, JWTVerifier> consumers;

    public TokenVerifier(AuthConfig config, SigningKeys keys, Clock clock) {
        this.issuer = config.issuer();
        long leeway = config.leeway().toSeconds();
        Map<String, JWTVerifier> own = new HashMap<>();
        for (SigningKey key : keys.all()) {
            own.put(key.kid(), ((JWTVerifier.BaseVerification) JWT.require(key.jwtAlgorithm())
                    .withIssuer(config.issuer())
                    .withAudience(config.audience())
                    .withClaim("typ", ACCESS_TYPE_CLAIM)
                    .withClaimPresence("exp")
                    .withClaimPresence("sub")
                    .withClaimPresence("jti")
                    .acceptLeeway(leeway))
                    .build(clock));
        }
        this.ownKeys = Map.copyOf(own);
        Map<String, JWTVerifier> byConsumer = new HashMap<>();
        for (AuthConfig.ConsumerConfig consumer : config.consumers()) {
            byConsumer.put(consumer.key(), ((JWTVerifier.BaseVerification) JWT.require(
                    Algorithm.HMAC256(consumer.secret().bytes()))
                    .withIssuer(consumer.key())
                    .withClaimPresence("exp")
                    .acceptLeeway(leeway))
                    .build(clock));
        }
        this.consumers = Map.copyOf(byConsumer);
    }

    public Verification verify(String token) {
        Optional<DecodedJWT> decoded = parse(token);
        if (decoded.isEmpty()) {
            return Verification.rejected(Failure.MALFORMED, "The token is not a well-formed JWT.");
        }
        Optional<String> headerProblem = checkHeader(decoded.get());
        if (headerProblem.isPresent()) {
            return Verification.rejected(Failure.INVALID, headerProblem.get());
        }
        Optional<JWTVerifier> verifier = selectVerifier(decoded.get());
        if (verifier.isEmpty()) {
            return Verification.rejected(Failure.INVALID, "The token's issuer or key id is not accepted here.");
        }
        try {
            verifier.get().verify(decoded.get());
        } catch (JWTVerificationException e) {
            return rejection(e);
        }
        if (issuer.equals(decoded.get().getIssuer())
                && !ACCESS_TYPE_HEADER.equalsIgnoreCase(decoded.get().getType())) {
            return Verification.rejected(Failure.INVALID, "The token is not an access token.");
        }
        return new Verification.Verified(toVerified(decoded.get()));
    }

    /** Step 1: size, three non-empty segments, and JSON that decodes. */
    static Optional<DecodedJWT> parse(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_LENGTH) {
            return Optional.empty();
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(JWT.decode(token));
        } catch (JWTDecodeException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Step 2: no unsigned tokens, no key material or key locations in the header. */
    static Optional<String> checkHeader(DecodedJWT jwt) {
        String algorithm = jwt.getAlgorithm();
        if (algorithm == null || algorithm.trim().toLowerCase(Locale.ROOT).equals("none")) {
            return Optional.of("Unsigned tokens are not accepted.");
        }
        for (String header : REFUSED_HEADERS) {
            if (!jwt.getHeaderClaim(header).isMissing()) {
                return Optional.of("The token header carries '" + header + "', which is not accepted.");
            }
        }
        return Optional.empty();
    }

    /** Step 3: the verifier for the token's issuer and key id; the verifier fixes the algorithm. */
    Optional<JWTVerifier> selectVerifier(DecodedJWT jwt) {
        String tokenIssuer = jwt.getIssuer();
        if (tokenIssuer == null) {
            return Optional.empty();
        }
        if (tokenIssuer.equals(issuer)) {
            return Optional.ofNullable(jwt.getKeyId()).map(ownKeys::get);
        }
        return Optional.ofNullable(consumers.get(tokenIssuer));
    }

    private static Verification rejection(JWTVerificationException e) {
        if (e instanceof TokenExpiredException) {
            return Verification.rejected(Failure.EXPIRED, "The token has expired.");
        }
        if (e instanceof AlgorithmMismatchException) {
            return Verification.rejected(Failure.INVALID, "The token's algorithm is not allowed for its key.");
        }
        if (e instanceof SignatureVerificationException) {
            return Verification.rejected(Failure.INVALID, "The token's signature is invalid.");
        }
        if (e instanceof MissingClaimException missing) {
            return Verification.rejected(Failure.INVALID, "The token lacks the '" + missing.getClaimName() + "' claim.");
        }
        if (e instanceof IncorrectClaimException incorrect) {
            String claim = incorrect.getClaimName();
            return Verification.rejected(Failure.INVALID, switch (claim) {
                case "nbf" -> "The token is not valid yet.";
                case "iat" -> "The token was issued in the future.";
                default -> "The token's '" + claim + "' claim is not accepted.";
            });
        }
        return Verification.rejected(Failure.INVALID, "The token is invalid.");
    }

    private static VerifiedToken toVerified(DecodedJWT jwt) {
        Map<String, String> claims = new LinkedHashMap<>();
        for (Map.Entry<String, Claim> entry : jwt.getClaims().entrySet()) {
            String value = entry.getValue().asString();
            if (value != null) {
                claims.put(entry.getKey(), value);
            }
        }
        String subject = jwt.getSubject() != null ? jwt.getSubject() : jwt.getIssuer();
        claims.putIfAbsent("sub", subject);
        return new VerifiedToken(subject, jwt.getIssuer(), Optional.ofNullable(jwt.getId()),
                Optional.ofNullable(jwt.getClaim("sid").asString()),
                Optional.ofNullable(jwt.getIssuedAtAsInstant()), jwt.getExpiresAtAsInstant(),
                scopes(jwt), list(jwt.getClaim("roles")), claims);
    }

    private static List<String> scopes(DecodedJWT jwt) {
        String scope = jwt.getClaim("scope").asString();
        if (scope != null) {
            List<String> result = new ArrayList<>();
            for (String part : scope.trim().split("\\s+")) {
                if (!part.isEmpty()) {
                    result.add(part);
                }
            }
            return result;
        }
        return list(jwt.getClaim("scp"));
    }

    private static List<String> list(Claim claim) {
        if (claim.isMissing() || claim.isNull()) {
            return List.of();
        }
        String single = claim.asString();
        if (single != null) {
            return List.of(single);
        }
        try {
            List<String> values = claim.asList(String.class);
            return values == null ? List.of() : values;
        } catch (JWTDecodeException e) {
            return List.of();
        }
    }
}
