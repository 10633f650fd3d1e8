package io.portcullis.config;

import java.util.List;

/** The {@code api-keys:} section. Static keys are held only as SHA-256 hashes. */
public record ApiKeysConfig(String header, List<StaticKey> staticKeys) {

    public ApiKeysConfig {
        staticKeys = List.copyOf(staticKeys);
    }

    /** @param sha256 lower-case hex SHA-256 of the key */
    public record StaticKey(String id, String sha256, List<String> scopes) {
        public StaticKey {
            scopes = List.copyOf(scopes);
        }
    }
}
