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
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies access tokens in named steps: {@link #parse}, {@link #checkHeader}, {@link #selectVerifier} (the
 * gateway's own keys, a consumer's secret, or a trusted issuer's JWKS key), then signature, type and time
 * claims, issuer and audience through java-jwt verifiers built once per key, then {@link #checkType}.
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
    private final TrustedIssuers trustedIssuers;

    /** A verifier for the gateway's own tokens and its consumers' tokens, without trusted issuers. */
    public TokenVerifier(AuthConfig config, SigningKeys keys, Clock clock) {
        this(config, keys, TrustedIssuers.none(), clock);
    }

    public TokenVerifier(AuthConfig config, SigningKeys keys, TrustedIssuers trustedIssuers, Clock clock) {
        this.trustedIssuers = trustedIssuers;
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
        DecodedJWT jwt = decoded.get();
        Optional<String> headerProblem = checkHeader(jwt);
        if (headerProblem.isPresent()) {
            return Verification.rejected(Failure.INVALID, headerProblem.get());
        }
        Optional<JWTVerifier> verifier = selectVerifier(jwt);
        if (verifier.isEmpty()) {
            Optional<IssuerKeys> trusted = trustedIssuers.keysOf(jwt.getIssuer());
            if (trusted.isEmpty()) {
                return Verification.rejected(Failure.INVALID, "The token's issuer or key id is not accepted here.");
            }
            IssuerKeys.Lookup lookup = trusted.get().lookup(jwt.getKeyId());
            if (lookup instanceof IssuerKeys.Lookup.Unavailable) {
                return Verification.rejected(Failure.UNAVAILABLE, "The token's issuer keys cannot be fetched now.");
            }
            if (!(lookup instanceof IssuerKeys.Lookup.Found found)) {
                return Verification.rejected(Failure.INVALID, "The token's key id is not known for its issuer.");
            }
            verifier = Optional.of(found.verifier());
        }
        try {
            verifier.get().verify(jwt);
        } catch (JWTVerificationException e) {
            return rejection(e);
        }
        Optional<String> typeProblem = checkType(jwt);
        if (typeProblem.isPresent()) {
            return Verification.rejected(Failure.INVALID, typeProblem.get());
        }
        if (jwt.getExpiresAtAsInstant() == null) {
            return Verification.rejected(Failure.INVALID, "The token lacks the 'exp' claim.");
        }
        boolean consumer = consumers.containsKey(jwt.getIssuer());
        if (!consumer && jwt.getSubject() == null) {
            return Verification.rejected(Failure.INVALID, "The token lacks the 'sub' claim.");
        }
        // RFC 7519 §4.1.2: a StringOrURI. DecodedJWT.getSubject() renders a number or boolean as text, which
        // would make "sub": 0 the user "0".
        String subject = jwt.getClaim("sub").asString();
        if (!consumer && (subject == null || subject.isBlank())) {
            return Verification.rejected(Failure.INVALID, "The token's 'sub' claim is not a non-empty string.");
        }
        // The gateway's own tokens are revoked by jti: "jti": null passes the presence check but names nothing.
        String jti = jwt.getClaim("jti").asString();
        if (issuer.equals(jwt.getIssuer()) && (jti == null || jti.isBlank())) {
            return Verification.rejected(Failure.INVALID, "The token's 'jti' claim is not a non-empty string.");
        }
        return new Verification.Verified(toVerified(jwt, consumer));
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
            if (!isJsonObject(token.substring(0, first)) || !isJsonObject(token.substring(first + 1, second))) {
                return Optional.empty();
            }
            return Optional.of(JWT.decode(token));
        } catch (JWTDecodeException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * Whether a segment is base64url of a JSON object. java-jwt decodes {@code null} (and other non-objects it
     * can map) into a token whose header or claims are missing, which would fail later with an exception.
     */
    private static boolean isJsonObject(String segment) {
        for (byte b : Base64.getUrlDecoder().decode(segment)) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return b == '{';
            }
        }
        return false;
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

    /**
     * Step 5: only access tokens. The gateway's own must say {@code typ: at+jwt} (their {@code typ} claim is
     * checked by the verifier); other issuers' may omit the types, but a refresh, ID or logout token is refused.
     */
    Optional<String> checkType(DecodedJWT jwt) {
        if (issuer.equals(jwt.getIssuer())) {
            return ACCESS_TYPE_HEADER.equalsIgnoreCase(jwt.getType()) ? Optional.empty()
                    : Optional.of("The token is not an access token.");
        }
        String header = jwt.getType() == null ? "jwt" : jwt.getType().toLowerCase(Locale.ROOT);
        String claim = jwt.getClaim("typ").isMissing() || jwt.getClaim("typ").isNull() ? "access"
                : String.valueOf(jwt.getClaim("typ").asString()).toLowerCase(Locale.ROOT);
        boolean headerOk = header.equals("jwt") || header.equals("at+jwt") || header.equals("application/at+jwt");
        boolean claimOk = claim.equals("access") || claim.equals("bearer");
        return headerOk && claimOk ? Optional.empty() : Optional.of("The token is not an access token.");
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

    /** A consumer's tokens always speak for the consumer: its {@code sub}, if any, cannot name someone else. */
    private static VerifiedToken toVerified(DecodedJWT jwt, boolean consumer) {
        Map<String, String> claims = new LinkedHashMap<>();
        for (Map.Entry<String, Claim> entry : jwt.getClaims().entrySet()) {
            String value = entry.getValue().asString();
            if (value != null) {
                claims.put(entry.getKey(), value);
            }
        }
        String subject = consumer ? jwt.getIssuer() : jwt.getClaim("sub").asString();
        claims.put("sub", subject);
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
        // Only the array's JSON strings count: a null or a number there grants nothing (asList(String.class)
        // would pass a null on, or turn 1 into the role "1").
        try {
            List<Object> values = claim.asList(Object.class);
            return values == null ? List.of()
                    : values.stream().filter(String.class::isInstance).map(String.class::cast).toList();
        } catch (JWTDecodeException e) {
            return List.of();
        }
    }
}
