package io.portcullis.jwt;

/**
 * The answer of a revocation check. {@link #UNAVAILABLE} means the shared store could not be asked (Redis
 * down or the breaker open): the JWT stage applies {@code redis.on-failure.revocation}, answering 503 under
 * {@code deny} and treating the token as {@link #ACTIVE} under {@code allow}.
 */
public enum RevocationStatus {
    /** Not revoked. */
    ACTIVE,
    /** This token ({@code jti}) was revoked. */
    REVOKED_TOKEN,
    /** The token's session ({@code sid}) was ended. */
    REVOKED_SESSION,
    /** Every token of the subject issued before a moment was revoked (logout-all). */
    REVOKED_SUBJECT,
    /** The store could not answer. */
    UNAVAILABLE;

    public boolean revoked() {
        return this == REVOKED_TOKEN || this == REVOKED_SESSION || this == REVOKED_SUBJECT;
    }
}
