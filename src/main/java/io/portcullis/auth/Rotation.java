package io.portcullis.auth;

import java.util.Objects;

/**
 * A refresh request for {@link SessionStore#rotate}.
 *
 * @param sid the session the presented refresh token names (the auth service puts the sid into its opaque
 *     refresh tokens, so a rotation touches one session and one Redis Cluster slot)
 * @param presentedHash the hash of the refresh token presented
 * @param successorHash the hash of a freshly made successor token, used if this call wins the rotation
 * @param successorEnvelope opaque to the store, handed back unchanged to a racing presenter of the same spent
 *     token inside the grace window so it can answer with the same successor (for example the successor
 *     sealed with a server key); kept only for the grace window. May be empty.
 */
public record Rotation(String sid, String presentedHash, String successorHash, String successorEnvelope) {

    public Rotation {
        Objects.requireNonNull(sid, "sid");
        Objects.requireNonNull(presentedHash, "presentedHash");
        Objects.requireNonNull(successorHash, "successorHash");
        Objects.requireNonNull(successorEnvelope, "successorEnvelope");
    }
}
