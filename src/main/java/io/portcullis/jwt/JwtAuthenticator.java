package io.portcullis.jwt;

import io.portcullis.chain.Identity;
import io.portcullis.chain.StoreWait;
import io.portcullis.config.RedisConfig.FailurePolicy;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Counted;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Decides whether a Bearer token lets a request through a route, in order: verification (through the
 * {@link TokenCache}), revocation (asked on every request, cache hit or not), then the route's
 * {@code scopes}, which must all be granted by the token's {@code scope} and {@code roles} together. Given
 * the request's rate-limit charge, the revocation check also counts the request, in the same store round
 * trip, when the token is active and has the scopes (see {@link RevocationStore#check(RevocationQuery,
 * Charge)}).
 * Expected refusals are returned as {@link JwtDecision.Refused}, never thrown. Thread-safe.
 */
public final class JwtAuthenticator {
    /** Seconds a client is told to wait when an issuer's keys cannot be fetched: the re-fetch interval. */
    static final long KEYS_RETRY_AFTER_SECONDS = IssuerKeys.MIN_REFETCH_INTERVAL.toSeconds();

    private static final Checked<RevocationStatus> UNAVAILABLE = Checked.notCounted(RevocationStatus.UNAVAILABLE);

    private final TokenCache tokens;
    private final RevocationStore revocations;
    private final FailurePolicy onRevocationFailure;
    private final StoreWait storeWait;

    public JwtAuthenticator(TokenCache tokens, RevocationStore revocations, FailurePolicy onRevocationFailure) {
        this(tokens, revocations, onRevocationFailure, StoreWait.DEFAULT);
    }

    /** @param storeWait the bound on the wait for a revocation answer, above the store's own Redis timeout */
    public JwtAuthenticator(
            TokenCache tokens, RevocationStore revocations, FailurePolicy onRevocationFailure, StoreWait storeWait) {
        this.tokens = tokens;
        this.revocations = revocations;
        this.onRevocationFailure = onRevocationFailure;
        this.storeWait = storeWait;
    }

    /** As {@link #authenticate(String, List, Identity, Function)}, counting nothing for the rate-limit stage. */
    public JwtDecision authenticate(String token, List<String> requiredScopes, Identity previous) {
        return authenticate(token, requiredScopes, previous, identity -> Optional.empty());
    }

    /**
     * @param token the Bearer token the request carries
     * @param requiredScopes the route's {@code scopes}; all of them are needed
     * @param previous the identity an earlier stage established (its API-key client id is kept)
     * @param chargeFor the rate-limit charge the accepted caller makes on this route, if any: counted in the
     *     round trip of the revocation check (only for an active token with every required scope, so that
     *     no refused request is counted), and returned in {@link JwtDecision.Authenticated#counted}
     */
    public JwtDecision authenticate(
            String token,
            List<String> requiredScopes,
            Identity previous,
            Function<Identity, Optional<Charge>> chargeFor) {
        Verification verification = tokens.verify(token);
        if (verification instanceof Verification.Rejected rejected) {
            return new JwtDecision.Refused(
                    rejected.failure() == Verification.Failure.UNAVAILABLE
                            ? JwtChallenges.unavailable(rejected.description(), KEYS_RETRY_AFTER_SECONDS)
                            : JwtChallenges.invalid(rejected.description()));
        }
        VerifiedToken verified = ((Verification.Verified) verification).token();
        Identity identity = new Identity(
                Identity.AuthMethod.JWT,
                Optional.of(verified.subject()),
                verified.roles(),
                previous.clientId(),
                verified.scopes(),
                previous.keyOwner());
        boolean scoped = granted(verified).containsAll(requiredScopes);
        Optional<Charge> charge = scoped ? chargeFor.apply(identity) : Optional.empty();
        // No iat: the token counts as issued before any logout-all of its subject.
        RevocationQuery query = new RevocationQuery(
                verified.subject(),
                verified.jti(),
                verified.sessionId(),
                verified.issuedAt().orElse(Instant.EPOCH));
        Checked<RevocationStatus> checked = charge.isPresent()
                ? storeWait.orElse(revocations.check(query, charge.get()), UNAVAILABLE)
                : Checked.notCounted(storeWait.orElse(revocations.check(query), RevocationStatus.UNAVAILABLE));
        // Revocation before scopes: a revoked token is told it is revoked, whatever the route asks.
        Optional<String> revoked = refusal(checked.outcome());
        if (revoked.isPresent()) {
            return new JwtDecision.Refused(
                    revoked.get().isEmpty()
                            ? JwtChallenges.unavailable("Token revocation cannot be checked now.")
                            : JwtChallenges.invalid(revoked.get()));
        }
        if (!scoped) {
            return new JwtDecision.Refused(JwtChallenges.insufficientScope(requiredScopes));
        }
        return new JwtDecision.Authenticated(
                identity, verified, checked.decision().map(decision -> new Counted(charge.orElseThrow(), decision)));
    }

    /** Empty when the token may be used; a description when it is revoked; "" when the store cannot tell and policy denies. */
    private Optional<String> refusal(RevocationStatus status) {
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
