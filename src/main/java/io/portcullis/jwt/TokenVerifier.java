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
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portcullis.config.AuthConfig;
import io.portcullis.jwt.Verification.Failure;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * Verifies access tokens in named steps: {@link #parse} (canonical base64url only), {@link #checkHeader},
 * {@link #checkTimeClaims} (whole seconds from 1970 to 9999), {@link #selectVerifier} (the gateway's own keys, a
 * consumer's secret, or a trusted issuer's JWKS key), then signature, type and time claims, issuer and
 * audience through java-jwt verifiers built once per key, then {@link #checkType} (no refresh or ID tokens),
 * and for a consumer its maximum lifetime. The accepted token's identity is the bare {@code sub} for the
 * gateway's own tokens, {@code <alias>:<sub>} for a trusted issuer's and {@code <key>:<key>} for a consumer's,
 * whose roles and scopes come from its configuration entry only.
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
    /** Claims only an OIDC ID token carries (OpenID Connect Core §2, §3.1.3.6, §3.3.2.11). */
    private static final List<String> ID_TOKEN_CLAIMS = List.of("nonce", "at_hash", "c_hash");

    private static final List<String> TIME_CLAIMS = List.of("exp", "nbf", "iat");
    /** 9999-12-31T23:59:59Z: later times are refused, so that no time claim overflows a computation. */
    static final long LAST_SECOND = 253_402_300_799L;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String issuer;
    private final Map<String, JWTVerifier> ownKeys;
    private final Map<String, JWTVerifier> consumers;
    private final Map<String, AuthConfig.ConsumerConfig> consumerConfigs;
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
            own.put(
                    key.kid(),
                    ((JWTVerifier.BaseVerification) JWT.require(key.jwtAlgorithm())
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
        Map<String, AuthConfig.ConsumerConfig> consumerConfigs = new HashMap<>();
        for (AuthConfig.ConsumerConfig consumer : config.consumers()) {
            com.auth0.jwt.interfaces.Verification required = JWT.require(
                            Algorithm.HMAC256(consumer.secret().bytes()))
                    .withIssuer(consumer.key())
                    .withClaimPresence("exp")
                    .acceptLeeway(leeway);
            consumer.audience().ifPresent(required::withAudience);
            byConsumer.put(consumer.key(), ((JWTVerifier.BaseVerification) required).build(clock));
            consumerConfigs.put(consumer.key(), consumer);
        }
        this.consumers = Map.copyOf(byConsumer);
        this.consumerConfigs = Map.copyOf(consumerConfigs);
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
        Optional<String> timeProblem = checkTimeClaims(jwt);
        if (timeProblem.isPresent()) {
            return Verification.rejected(Failure.INVALID, timeProblem.get());
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
        AuthConfig.ConsumerConfig consumer = consumerConfigs.get(jwt.getIssuer());
        if (consumer != null) {
            Optional<String> lifetimeProblem = checkLifetime(jwt, consumer.maxLifetime());
            if (lifetimeProblem.isPresent()) {
                return Verification.rejected(Failure.INVALID, lifetimeProblem.get());
            }
            return new Verification.Verified(consumerToken(jwt, consumer));
        }
        if (jwt.getSubject() == null) {
            return Verification.rejected(Failure.INVALID, "The token lacks the 'sub' claim.");
        }
        // RFC 7519 §4.1.2: a StringOrURI. DecodedJWT.getSubject() renders a number or boolean as text, which
        // would make "sub": 0 the user "0".
        String subject = jwt.getClaim("sub").asString();
        if (subject == null || subject.isBlank()) {
            return Verification.rejected(Failure.INVALID, "The token's 'sub' claim is not a non-empty string.");
        }
        // The gateway's own tokens are revoked by jti: "jti": null passes the presence check but names nothing.
        String jti = jwt.getClaim("jti").asString();
        if (issuer.equals(jwt.getIssuer()) && (jti == null || jti.isBlank())) {
            return Verification.rejected(Failure.INVALID, "The token's 'jti' claim is not a non-empty string.");
        }
        if (issuer.equals(jwt.getIssuer())) {
            return new Verification.Verified(toVerified(jwt, Optional.empty()));
        }
        return new Verification.Verified(
                toVerified(jwt, trustedIssuers.find(jwt.getIssuer()).map(TrustedIssuers.Issuer::alias)));
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
        if (!isCanonicalBase64Url(token, 0, first)
                || !isCanonicalBase64Url(token, first + 1, second)
                || !isCanonicalBase64Url(token, second + 1, token.length())) {
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
     * Whether {@code token[from, to)} is base64url in its one canonical spelling (RFC 7515 §2, RFC 4648 §3.5):
     * only the URL-safe alphabet, no {@code =} padding, no length that leaves a lone character, and the
     * unused low bits of the last character zero. The JDK's decoder accepts padding and ignores those bits,
     * so one token could otherwise be written as several strings (several cache entries, several log keys).
     */
    static boolean isCanonicalBase64Url(String token, int from, int to) {
        int length = to - from;
        if (length % 4 == 1) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (sextet(token.charAt(i)) < 0) {
                return false;
            }
        }
        if (length == 0) {
            return true;
        }
        int last = sextet(token.charAt(to - 1));
        return switch (length % 4) {
            case 2 -> (last & 0x0F) == 0;
            case 3 -> (last & 0x03) == 0;
            default -> true;
        };
    }

    private static int sextet(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : c == '_' ? 63 : -1;
    }

    /**
     * Step 2b: {@code exp}, {@code nbf} and {@code iat}, when present, are whole seconds from 1970 to the end
     * of 9999. RFC 7519 allows fractions and any size; a value the gateway cannot hold as an {@link Instant}
     * or count down in nanoseconds is refused here, before anything computes with it.
     */
    static Optional<String> checkTimeClaims(DecodedJWT jwt) {
        JsonNode payload;
        try {
            payload = JSON.readTree(Base64.getUrlDecoder().decode(jwt.getPayload()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.of("The token is not a well-formed JWT.");
        }
        for (String name : TIME_CLAIMS) {
            JsonNode value = payload.get(name);
            if (value == null) {
                continue;
            }
            if (!value.isIntegralNumber()
                    || !value.canConvertToLong()
                    || value.asLong() < 0
                    || value.asLong() > LAST_SECOND) {
                return Optional.of("The token's '" + name + "' claim is not a time the gateway accepts "
                        + "(whole seconds since 1970, before the year 10000).");
            }
        }
        return Optional.empty();
    }

    /** A consumer's token may live at most {@code maxLifetime} from its {@code iat} (else {@code nbf}); it must say which. */
    private static Optional<String> checkLifetime(DecodedJWT jwt, Duration maxLifetime) {
        Instant start = jwt.getIssuedAtAsInstant() != null ? jwt.getIssuedAtAsInstant() : jwt.getNotBeforeAsInstant();
        if (start == null) {
            return Optional.of("The token lacks the 'iat' claim, which its issuer must send.");
        }
        if (Duration.between(start, jwt.getExpiresAtAsInstant()).compareTo(maxLifetime) > 0) {
            return Optional.of("The token lives longer than its issuer may grant (" + maxLifetime.toSeconds() + " s).");
        }
        return Optional.empty();
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
     * checked by the verifier). Other issuers' may omit the header type or say {@code JWT} (Keycloak, Auth0 and
     * Entra access tokens do), but a refresh or logout token is refused, and so is what marks an OIDC ID token
     * (claim {@code typ: ID}, {@code nonce}, {@code at_hash}, {@code c_hash}) unless the header says
     * {@code at+jwt} (RFC 9068 §2.1) or the trusted issuer allows ID tokens.
     */
    Optional<String> checkType(DecodedJWT jwt) {
        if (issuer.equals(jwt.getIssuer())) {
            return ACCESS_TYPE_HEADER.equalsIgnoreCase(jwt.getType())
                    ? Optional.empty()
                    : Optional.of("The token is not an access token.");
        }
        String header = jwt.getType() == null ? "jwt" : jwt.getType().toLowerCase(Locale.ROOT);
        String claim = jwt.getClaim("typ").isMissing() || jwt.getClaim("typ").isNull()
                ? "access"
                : String.valueOf(jwt.getClaim("typ").asString()).toLowerCase(Locale.ROOT);
        boolean accessHeader = header.equals("at+jwt") || header.equals("application/at+jwt");
        if (!accessHeader && !header.equals("jwt")) {
            return Optional.of("The token is not an access token.");
        }
        Optional<TrustedIssuers.Issuer> trusted = trustedIssuers.find(jwt.getIssuer());
        boolean idTokensAllowed =
                trusted.map(TrustedIssuers.Issuer::allowIdTokens).orElse(false);
        // nonce and the hashes mark an OIDC provider's ID token; a consumer (not an OIDC provider) may use a nonce.
        boolean idToken = claim.equals("id")
                || trusted.isPresent()
                        && !accessHeader
                        && ID_TOKEN_CLAIMS.stream()
                                .anyMatch(name -> !jwt.getClaim(name).isMissing());
        if (idToken && !idTokensAllowed) {
            return Optional.of("The token is an ID token, not an access token.");
        }
        boolean claimOk = claim.equals("access") || claim.equals("bearer") || claim.equals("id") && idTokensAllowed;
        return claimOk ? Optional.empty() : Optional.of("The token is not an access token.");
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
            return Verification.rejected(
                    Failure.INVALID, "The token lacks the '" + missing.getClaimName() + "' claim.");
        }
        if (e instanceof IncorrectClaimException incorrect) {
            String claim = incorrect.getClaimName();
            return Verification.rejected(
                    Failure.INVALID,
                    switch (claim) {
                        case "nbf" -> "The token is not valid yet.";
                        case "iat" -> "The token was issued in the future.";
                        default -> "The token's '" + claim + "' claim is not accepted.";
                    });
        }
        return Verification.rejected(Failure.INVALID, "The token is invalid.");
    }

    /**
     * A token of the gateway ({@code alias} empty: the subject stays bare) or of a trusted issuer (its
     * subject, {@code jti} and {@code sid} become {@code <alias>:<value>}, so that no foreign issuer can name
     * a local user, session or revoked token).
     */
    private static VerifiedToken toVerified(DecodedJWT jwt, Optional<String> alias) {
        Map<String, String> claims = new LinkedHashMap<>();
        for (Map.Entry<String, Claim> entry : jwt.getClaims().entrySet()) {
            String value = entry.getValue().asString();
            if (value != null) {
                claims.put(entry.getKey(), value);
            }
        }
        String subject = qualified(alias, jwt.getClaim("sub").asString());
        claims.put("sub", subject);
        return new VerifiedToken(
                subject,
                jwt.getIssuer(),
                Optional.ofNullable(jwt.getClaim("jti").asString()).map(jti -> qualified(alias, jti)),
                Optional.ofNullable(jwt.getClaim("sid").asString()).map(sid -> qualified(alias, sid)),
                Optional.ofNullable(jwt.getIssuedAtAsInstant()),
                jwt.getExpiresAtAsInstant(),
                scopes(jwt),
                list(jwt.getClaim("roles")),
                claims);
    }

    private static String qualified(Optional<String> alias, String value) {
        return alias.map(a -> a + ":" + value).orElse(value);
    }

    /**
     * A consumer's token speaks for the consumer alone: its subject is {@code <key>:<key>} whatever its
     * {@code sub} says, its roles and scopes are the consumer entry's, never the token's, and the only claims
     * offered to key templates are {@code sub} and {@code iss}, so the partner cannot steer a {@code {claim}}
     * template to another key.
     */
    private static VerifiedToken consumerToken(DecodedJWT jwt, AuthConfig.ConsumerConfig consumer) {
        Optional<String> alias = Optional.of(consumer.key());
        String subject = qualified(alias, consumer.key());
        return new VerifiedToken(
                subject,
                consumer.key(),
                Optional.ofNullable(jwt.getClaim("jti").asString()).map(jti -> qualified(alias, jti)),
                Optional.empty(),
                Optional.ofNullable(jwt.getIssuedAtAsInstant()),
                jwt.getExpiresAtAsInstant(),
                consumer.scopes(),
                consumer.roles(),
                Map.of("sub", subject, "iss", consumer.key()));
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
            return values == null
                    ? List.of()
                    : values.stream()
                            .filter(String.class::isInstance)
                            .map(String.class::cast)
                            .toList();
        } catch (JWTDecodeException e) {
            return List.of();
        }
    }
}
