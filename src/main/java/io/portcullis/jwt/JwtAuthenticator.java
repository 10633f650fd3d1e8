package io.portcullis.jwt;

import io.portcullis.chain.Identity;
import io.portcullis.config.RedisConfig.FailurePolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a Bearer token lets a request through a route, in order: verification (through the
 * {@link TokenCache}), revocation (asked on every request, cache hit or not), then the route's
 * {@code scopes}, which must all be granted by the token's {@code scope} and {@code roles} together.
 * Expected refusals are returned as {@link JwtDecision.Refused}, never thrown. Thread-safe.
 */
public final class JwtAuthenticator {
    /** Seconds a client is told to wait when revocation state cannot be read (the store re-probes faster). */
    static final long REVOCATION_RETRY_AFTER_SECONDS = 1;
    /** Seconds a client is told to wait when an issuer's keys cannot be fetched: the re-fetch interval. */
    static final long KEYS_RETRY_AFTER_SECONDS = IssuerKeys.MIN_REFETCH_INTERVAL.toSeconds();
    /** A bound on the wait for a revocation answer, above the store's own Redis timeout. */
    static final Duration REVOCATION_TIMEOUT = Duration.ofSeconds(5);

    private final TokenCache tokens;
    private final RevocationStore revocations;
    private final FailurePolicy onRevocationFailure;

    public JwtAuthenticator(TokenCache tokens, RevocationStore revocations, FailurePolicy onRevocationFailure) {
        this.tokens = tokens;
        this.revocations = revocations;
        this.onRevocationFailure = onRevocationFailure;
    }

    /**
     * @param token the Bearer token the request carries
     * @param requiredScopes the route's {@code scopes}; all of them are needed
     * @param previous the identity an earlier stage established (its API-key client id is kept)
     */
    public JwtDecision authenticate(String token, List<String> requiredScopes, Identity previous) {
        Verification verification = tokens.verify(token);
        if (verification instanceof Verification.Rejected rejected) {
            return new JwtDecision.Refused(rejected.failure() == Verification.Failure.UNAVAILABLE
                    ? JwtChallenges.unavailable(rejected.description(), KEYS_RETRY_AFTER_SECONDS)
                    : JwtChallenges.invalid(rejected.description()));
        }
        VerifiedToken verified = ((Verification.Verified) verification).token();
        Optional<String> revoked = checkRevocation(verified);
        if (revoked.isPresent()) {
            return new JwtDecision.Refused(revoked.get().isEmpty()
                    ? JwtChallenges.unavailable("Token revocation cannot be checked now.", REVOCATION_RETRY_AFTER_SECONDS)
                    : JwtChallenges.invalid(revoked.get()));
        }
        if (!granted(verified).containsAll(requiredScopes)) {
            return new JwtDecision.Refused(JwtChallenges.insufficientScope(requiredScopes));
        }
        return new JwtDecision.Authenticated(new Identity(Identity.AuthMethod.JWT, Optional.of(verified.subject()),
                verified.roles(), previous.clientId(), verified.scopes()), verified);
    }

    /** Empty when the token may be used; a description when it is revoked; "" when the store cannot tell and policy denies. */
    private Optional<String> checkRevocation(VerifiedToken token) {
        // No iat: the token counts as issued before any logout-all of its subject.
        RevocationQuery query = new RevocationQuery(token.subject(), token.jti(), token.sessionId(),
                token.issuedAt().orElse(Instant.EPOCH));
        RevocationStatus status = Awaits.await(revocations.check(query), REVOCATION_TIMEOUT, RevocationStatus.UNAVAILABLE);
        return switch (status) {
            case ACTIVE -> Optional.empty();
            case REVOKED_TOKEN -> Optional.of("The token has been revoked.");
            case REVOKED_SESSION -> Optional.of("The token has been revoked: its session has ended.");
            case REVOKED_SUBJECT -> Optional.of("The token has been revoked: every session of its subject has ended.");
            case UNAVAILABLE -> onRevocationFailure == FailurePolicy.DENY ? Optional.of("") : Optional.empty();
        };
    }

    private static Set<String> granted(VerifiedToken token) {
        Set<String> granted = new HashSet<>(token.scopes());
        granted.addAll(token.roles());
        return granted;
    }
}
