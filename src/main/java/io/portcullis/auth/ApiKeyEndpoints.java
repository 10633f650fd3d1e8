package io.portcullis.auth;

import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.apikey.ApiKeyVerifier;
import io.portcullis.chain.JsonResponses;
import io.portcullis.jwt.VerifiedToken;
import io.portcullis.problem.ProblemType;
import io.portcullis.problem.ProblemWriter;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * API-key issuance for the caller of a Bearer endpoint: {@code POST /api-keys} (the key is shown once:
 * {@code pk_} and 256 random bits, base64url; only its SHA-256 is stored), {@code GET /api-keys} (the
 * caller's keys, without secrets) and {@code DELETE /api-keys/{id}}. A key's scopes must be among the
 * caller's own scopes and roles, so nobody can mint a key for more than they may do. Thread-safe.
 */
final class ApiKeyEndpoints {
    static final String PATH = "/api-keys";
    static final String KEY_PREFIX = "pk_";
    static final int MAX_SCOPES = 32;
    static final int MAX_SCOPE_LENGTH = 64;
    static final int MAX_NAME_LENGTH = 64;
    private static final int KEY_BYTES = 32;
    private static final Set<String> FIELDS = Set.of("name", "scopes", "usage_scope");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final ApiKeyStore keys;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    ApiKeyEndpoints(ApiKeyStore keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** Whether {@code subPath} names one key ({@code /api-keys/{id}}). */
    boolean matchesOne(String subPath) {
        return subPath.startsWith(PATH + "/") && ID.matcher(subPath.substring(PATH.length() + 1)).matches();
    }

    void create(AuthCall call) throws IOException, RequestFields.BadInput {
        RequestFields fields = call.json(FIELDS);
        List<String> scopes = fields.strings("scopes", MAX_SCOPES, MAX_SCOPE_LENGTH);
        List<String> usageScope = fields.strings("usage_scope", MAX_SCOPES, MAX_SCOPE_LENGTH);
        if (!scopes.isEmpty() && !usageScope.isEmpty()) {
            throw new RequestFields.BadInput("Give 'scopes' or its alias 'usage_scope', not both.");
        }
        scopes = List.copyOf(new LinkedHashSet<>(scopes.isEmpty() ? usageScope : scopes));
        Optional<String> name = fields.string("name", MAX_NAME_LENGTH);
        if (name.isPresent() && name.get().isBlank()) {
            throw new RequestFields.BadInput("Field 'name' must not be blank.");
        }
        VerifiedToken caller = call.token();
        Set<String> held = new LinkedHashSet<>(caller.scopes());
        held.addAll(caller.roles());
        List<String> missing = scopes.stream().filter(scope -> !held.contains(scope)).toList();
        if (!missing.isEmpty()) {
            ProblemWriter.write(call.request(), call.response(), ProblemType.FORBIDDEN,
                    "A key can only have scopes you hold yourself; you do not hold " + String.join(", ", missing) + ".");
            return;
        }
        String id = TokenIssuer.randomId();
        byte[] secret = new byte[KEY_BYTES];
        random.nextBytes(secret);
        String apiKey = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Await.result(keys.create(new ApiKey(id, caller.subject(), name.orElse(id), ApiKeyVerifier.sha256Hex(apiKey), scopes,
                Instant.ofEpochMilli(clock.millis()))));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("api_key", apiKey);
        body.put("scopes", scopes);
        JsonResponses.write(call.request(), call.response(), 201, body);
    }

    void list(AuthCall call) throws IOException {
        List<Map<String, Object>> listed = new ArrayList<>();
        for (ApiKey key : Await.result(keys.listByOwner(call.token().subject()))) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", key.id());
            entry.put("name", key.name());
            entry.put("scopes", key.scopes());
            entry.put("created_at", key.createdAt().toString());
            listed.add(entry);
        }
        JsonResponses.write(call.request(), call.response(), 200, Map.of("api_keys", listed));
    }

    void delete(AuthCall call) throws IOException {
        String id = call.subPath().substring(PATH.length() + 1);
        if (!Await.result(keys.revoke(call.token().subject(), id))) {
            ProblemWriter.write(call.request(), call.response(), ProblemType.NOT_FOUND, "You have no API key with this id.");
            return;
        }
        AuthEndpoint.noContent(call);
    }
}
