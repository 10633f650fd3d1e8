package io.portcullis.auth;

import io.portcullis.chain.StoreWait;
import io.portcullis.config.RedisConfig.FailurePolicy;
import io.portcullis.jwt.JwtChallenges;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.jwt.TokenVerifier;
import io.portcullis.jwt.Verification;
import io.portcullis.jwt.Verification.Failure;
import io.portcullis.jwt.VerifiedToken;
import io.portcullis.problem.Problem;
import java.time.Instant;
import java.util.Optional;

/**
 * Access-token checks for the auth endpoints, on the token {@link io.portcullis.jwt.BearerToken} found: the
 * {@link TokenVerifier}, then the shared {@link RevocationStore} (so a logout on one node counts on every
 * node at once). While the revocation state cannot be read, {@code redis.on-failure.revocation} decides:
 * {@code deny} refuses with 503, {@code allow} accepts. Also builds the RFC 6750 problems. Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3</a>
 */
final class TokenChecker {

    private final StoreWait storeWait;
    private final TokenVerifier verifier;
    private final RevocationStore revocations;
    private final FailurePolicy onFailure;
    private final String issuer;

    TokenChecker(TokenVerifier verifier, RevocationStore revocations, FailurePolicy onFailure, String issuer) {
        this(verifier, revocations, onFailure, issuer, StoreWait.DEFAULT);
    }

    /** @param storeWait the bound on every wait for a store's answer */
    TokenChecker(
            TokenVerifier verifier,
            RevocationStore revocations,
            FailurePolicy onFailure,
            String issuer,
            StoreWait storeWait) {
        this.storeWait = storeWait;
        this.verifier = verifier;
        this.revocations = revocations;
        this.onFailure = onFailure;
        this.issuer = issuer;
    }

    /** Verifies a token this gateway issued, revocation included (the Bearer endpoints act on its users). */
    Verification checkOwn(String token) {
        Verification result = check(token);
        if (result instanceof Verification.Verified verified
                && !issuer.equals(verified.token().issuer())) {
            return Verification.rejected(Failure.INVALID, "The token was not issued by this gateway.");
        }
        return result;
    }

    /** Verifies any token the gateway accepts (its own, a configured consumer's), revocation included. */
    Verification check(String token) {
        if (RefreshTokens.parse(token).isPresent()) {
            return Verification.rejected(Failure.INVALID, "A refresh token is not an access token.");
        }
        Verification result = verifier.verify(token);
        if (!(result instanceof Verification.Verified verified)) {
            return result;
        }
        VerifiedToken claims = verified.token();
        RevocationStatus status = storeWait.result(revocations.check(new RevocationQuery(
                claims.subject(),
                claims.jti(),
                claims.sessionId(),
                claims.issuedAt().orElse(Instant.EPOCH))));
        if (status.revoked()) {
            return Verification.rejected(Failure.REVOKED, "The token has been revoked.");
        }
        if (status == RevocationStatus.UNAVAILABLE && onFailure == FailurePolicy.DENY) {
            return Verification.rejected(Failure.UNAVAILABLE, "Revocation cannot be checked right now.");
        }
        return result;
    }

    /** Verifies signature and claims only, without the revocation check (for RFC 7009 revocation). */
    Optional<VerifiedToken> verifyIgnoringRevocation(String token) {
        return verifier.verify(token) instanceof Verification.Verified verified
                ? Optional.of(verified.token())
                : Optional.empty();
    }

    /** 401 without an error attribute: no credentials were sent (RFC 6750 §3.1). */
    static Problem missing() {
        return JwtChallenges.missing("Send an access token: Authorization: Bearer <token>.");
    }

    /** 401 {@code invalid_token} with the reason, or 503 with {@code Retry-After} when it could not be checked. */
    static Problem rejected(Verification.Rejected rejected) {
        if (rejected.failure() == Failure.UNAVAILABLE) {
            return JwtChallenges.unavailable(rejected.description());
        }
        return JwtChallenges.invalid(rejected.description());
    }
}
