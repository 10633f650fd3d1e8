package io.portcullis.jwt;

/**
 * The outcome of verifying a token: accepted with its claims, or rejected with a reason a client can act
 * on (an expired token can be refreshed; a revoked or invalid one cannot).
 */
public sealed interface Verification {

    record Verified(VerifiedToken token) implements Verification {}

    /** @param description safe to show a client: never the token, a key or a stack trace */
    record Rejected(Failure failure, String description) implements Verification {}

    /** Why a token was refused. */
    enum Failure {
        /** Not a well-formed JWT at all. */
        MALFORMED,
        /** Well-formed and correctly signed but past its {@code exp} (plus leeway): a refresh can help. */
        EXPIRED,
        /** Signature, algorithm, issuer, audience, type or time claims wrong. */
        INVALID,
        /** Revoked by logout, session end or revocation. */
        REVOKED,
        /** Cannot be checked now (revocation state or issuer keys unreachable): try again later. */
        UNAVAILABLE
    }

    static Verification rejected(Failure failure, String description) {
        return new Rejected(failure, description);
    }
}
