package io.portcullis.auth;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * Refresh sessions with single-use, rotating refresh tokens, stored only as hashes. {@link #rotate} is
 * atomic (one Lua script in Redis): of two concurrent rotations of the same token one wins and the other
 * gets {@link RotationResult.Outcome#GRACE} with the same successor; a spent token presented after
 * {@code refresh-grace} ends the whole session. A session not refreshed for {@code idle-timeout} ends.
 * Ending a session here does not revoke its access tokens: the caller also calls
 * {@link io.portcullis.jwt.RevocationStore#revokeSession}. Calls complete exceptionally with
 * {@link io.portcullis.chain.StoreUnavailableException} when the store cannot answer. Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2">RFC 9700 §4.14.2</a>
 */
public interface SessionStore {

    /** Starts a session whose current refresh token has hash {@code refreshTokenHash}. */
    CompletionStage<Void> create(Session session, String refreshTokenHash);

    /** Spends the presented refresh token; see {@link RotationResult.Outcome}. */
    CompletionStage<RotationResult> rotate(Rotation rotation);

    /** The session if it is still alive (not ended, expired or idle). */
    CompletionStage<Optional<Session>> find(String sid);

    /**
     * The session if it is still alive and {@code refreshTokenHash} is its current refresh token: checks a
     * refresh token without spending it (introspection, revocation, logout).
     */
    CompletionStage<Optional<Session>> findByToken(String sid, String refreshTokenHash);

    /** Ends one session. @return whether it was alive */
    CompletionStage<Boolean> end(String sid);

    /** The live sessions of a user. */
    CompletionStage<List<Session>> listByUser(String userId);

    /** Ends every session of a user. @return the sessions that were alive */
    CompletionStage<List<Session>> endAll(String userId);
}
