package io.portcullis.jwt;

import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import java.time.Instant;
import java.util.concurrent.CompletionStage;

/**
 * Revoked tokens, sessions and per-subject not-before marks, shared by every gateway node. Entries are
 * kept only until the tokens they concern would have expired anyway. Thread-safe.
 *
 * <p>{@link #check} is the hot path: one call per authenticated request, one Redis round trip (a Lua
 * script), and it never completes exceptionally: when the store cannot answer it yields
 * {@link RevocationStatus#UNAVAILABLE}. The writes complete exceptionally with
 * {@link io.portcullis.chain.StoreUnavailableException} when the store cannot take them.
 *
 * <p>Every key is grouped by subject so that the check touches one Redis Cluster slot: callers always pass
 * the token's {@code sub}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009">RFC 7009</a>
 */
public interface RevocationStore {

    /** Revokes one access token until it expires ({@code exp}). Blank {@code jti} is refused. */
    CompletionStage<Void> revokeToken(String subject, String jti, Instant expiresAt);

    /** Revokes every access token of session {@code sid} until {@code until} (the session's last token's exp). */
    CompletionStage<Void> revokeSession(String subject, String sid, Instant until);

    /**
     * Revokes every token of {@code subject} issued strictly before {@code notBefore} (logout-all). The mark
     * is kept for the store's retention (the longest token lifetime plus leeway) and never moves back: an
     * older mark than the one stored changes nothing. JWT {@code iat} has second precision, so a token
     * issued in the same second as the mark but before it survives unless the caller rounds the mark up.
     */
    CompletionStage<Void> revokeIssuedBefore(String subject, Instant notBefore);

    /** Whether the token is revoked, and why. Never completes exceptionally. */
    CompletionStage<RevocationStatus> check(RevocationQuery token);

    /**
     * As {@link #check(RevocationQuery)}, and when the token is {@link RevocationStatus#ACTIVE} also counts
     * {@code charge} for the rate-limit stage, atomically in the same round trip: a revoked token is never
     * counted. The decision is empty when nothing was counted (see {@link Checked}); by default nothing is, and
     * the rate-limit stage counts on its own — the in-memory store keeps that default, having no round trip to save. Never
     * completes exceptionally.
     */
    default CompletionStage<Checked<RevocationStatus>> check(RevocationQuery token, Charge charge) {
        return check(token).thenApply(Checked::notCounted);
    }
}
