package io.portcullis.chain;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling, as established by the API-key and JWT stages, and passed upstream as
 * {@code X-User-Id}, {@code X-User-Roles}, {@code X-Client-Id} and {@code X-Auth-Method}.
 *
 * @param userId the verified JWT subject
 * @param clientId the id of the API key presented
 * @param scopes what the caller may do (JWT scope/roles, or API-key scopes)
 * @param keyOwner the user who minted the API key presented ({@code clientId}); empty for a configured key: a
 *     minted key's requests count in its owner's rate-limit bucket
 */
public record Identity(
        AuthMethod method,
        Optional<String> userId,
        List<String> roles,
        Optional<String> clientId,
        List<String> scopes,
        Optional<String> keyOwner) {

    public static final Identity ANONYMOUS =
            new Identity(AuthMethod.ANONYMOUS, Optional.empty(), List.of(), Optional.empty(), List.of());

    public Identity {
        roles = List.copyOf(roles);
        scopes = List.copyOf(scopes);
        Objects.requireNonNull(keyOwner, "keyOwner");
    }

    /** A caller without a minted API key. */
    public Identity(
            AuthMethod method,
            Optional<String> userId,
            List<String> roles,
            Optional<String> clientId,
            List<String> scopes) {
        this(method, userId, roles, clientId, scopes, Optional.empty());
    }

    /** How the caller was identified; the wire value goes into {@code X-Auth-Method}. */
    public enum AuthMethod {
        ANONYMOUS("anonymous"),
        API_KEY("api-key"),
        JWT("jwt");

        private final String wireValue;

        AuthMethod(String wireValue) {
            this.wireValue = wireValue;
        }

        public String wireValue() {
            return wireValue;
        }
    }
}
