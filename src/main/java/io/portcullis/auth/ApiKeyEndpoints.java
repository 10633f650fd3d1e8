package io.portcullis.auth;

import com.auth0.jwt.JWT;
import com.auth0.jwt.exceptions.JWTDecodeException;
import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.apikey.ApiKeyVerifier;
import io.portcullis.chain.JsonResponses;
import io.portcullis.chain.StoreWait;
import io.portcullis.config.AuthConfig;
import io.portcullis.jwt.BearerToken;
import io.portcullis.jwt.JwtChallenges;
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
 * caller's own scopes and roles, so nobody can mint a key for more than they may do. Minting needs a recent
 * password login ({@code auth_time} within {@code auth.api-keys.reauth}, else 401 {@code
 * insufficient_user_authentication}, RFC 9470), so a stolen access token cannot be turned into a lasting
 * credential; every key expires ({@code expires_in}, at most {@code auth.api-keys.max-lifetime}), and a user
 * holds at most {@code auth.api-keys.max-per-user} keys. Thread-safe.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9470">RFC 9470, OAuth 2.0 Step Up Authentication Challenge</a>
 */
final class ApiKeyEndpoints {
    static final String PATH = "/api-keys";
    static final String KEY_PREFIX = "pk_";
    static final int MAX_SCOPES = 32;
    static final int MAX_SCOPE_LENGTH = 64;
    static final int MAX_NAME_LENGTH = 64;
    private static final int KEY_BYTES = 32;
    private static final Set<String> FIELDS = Set.of("name", "scopes", "usage_scope", "expires_in");
    /** The shortest {@code expires_in}. */
    static final long MIN_EXPIRES_IN_SECONDS = 60;

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final StoreWait storeWait;
    private final ApiKeyStore keys;
    private final AuthConfig.ApiKeyIssuanceConfig rules;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Minting is rare: one at a time per node keeps the per-user cap exact on one node. */
    private final Object minting = new Object();

    ApiKeyEndpoints(ApiKeyStore keys, AuthConfig.ApiKeyIssuanceConfig rules, Clock clock) {
        this(keys, rules, clock, StoreWait.DEFAULT);
    }

    /** @param storeWait the bound on every wait for a store's answer */
    ApiKeyEndpoints(ApiKeyStore keys, AuthConfig.ApiKeyIssuanceConfig rules, Clock clock, StoreWait storeWait) {
        this.storeWait = storeWait;
        this.keys = keys;
        this.rules = rules;
        this.clock = clock;
    }

    /** Whether {@code subPath} names one key ({@code /api-keys/{id}}). */
    boolean matchesOne(String subPath) {
        return subPath.startsWith(PATH + "/")
                && ID.matcher(subPath.substring(PATH.length() + 1)).matches();
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
        long lifetime = fields.integer(
                        "expires_in",
                        MIN_EXPIRES_IN_SECONDS,
                        rules.maxLifetime().toSeconds())
                .orElse(rules.maxLifetime().toSeconds());
        VerifiedToken caller = call.token();
        Instant now = Instant.ofEpochMilli(clock.millis());
        if (!recentlyAuthenticated(call, now)) {
            long maxAge = rules.reauth().toSeconds();
            ProblemWriter.write(
                    call.request(),
                    call.response(),
                    JwtChallenges.insufficientUserAuthentication(
                            "Minting an API key needs a password login within the last " + maxAge + " s; log in again.",
                            "A more recent password login is required",
                            maxAge));
            return;
        }
        Set<String> held = new LinkedHashSet<>(caller.scopes());
        held.addAll(caller.roles());
        List<String> missing =
                scopes.stream().filter(scope -> !held.contains(scope)).toList();
        if (!missing.isEmpty()) {
            ProblemWriter.write(
                    call.request(),
                    call.response(),
                    ProblemType.FORBIDDEN,
                    "A key can only have scopes you hold yourself; you do not hold " + String.join(", ", missing)
                            + ".");
            return;
        }
        String id = TokenIssuer.randomId();
        byte[] secret = new byte[KEY_BYTES];
        random.nextBytes(secret);
        String apiKey = KEY_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant expiresAt = now.plusSeconds(lifetime);
        synchronized (minting) {
            if (storeWait.result(keys.listByOwner(caller.subject())).size() >= rules.maxPerUser()) {
                ProblemWriter.write(
                        call.request(),
                        call.response(),
                        ProblemType.CONFLICT,
                        "You hold " + rules.maxPerUser()
                                + " API keys, the most allowed; revoke one before minting another.");
                return;
            }
            storeWait.result(keys.create(new ApiKey(
                    id,
                    caller.subject(),
                    name.orElse(id),
                    ApiKeyVerifier.sha256Hex(apiKey),
                    scopes,
                    now,
                    Optional.of(expiresAt))));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("api_key", apiKey);
        body.put("scopes", scopes);
        body.put("expires_in", lifetime);
        body.put("expires_at", expiresAt.toString());
        JsonResponses.write(call.request(), call.response(), 201, body);
    }

    void list(AuthCall call) throws IOException {
        List<Map<String, Object>> listed = new ArrayList<>();
        for (ApiKey key : storeWait.result(keys.listByOwner(call.token().subject()))) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", key.id());
            entry.put("name", key.name());
            entry.put("scopes", key.scopes());
            entry.put("created_at", key.createdAt().toString());
            key.expiresAt().ifPresent(at -> entry.put("expires_at", at.toString()));
            listed.add(entry);
        }
        JsonResponses.write(call.request(), call.response(), 200, Map.of("api_keys", listed));
    }

    /** Revokes every key of {@code ownerId} ({@code logout-all} with {@code revoke_api_keys}). */
    void revokeAll(String ownerId) {
        for (ApiKey key : storeWait.result(keys.listByOwner(ownerId))) {
            storeWait.result(keys.revoke(ownerId, key.id()));
        }
    }

    /**
     * Whether the caller's access token comes from a password login within {@code reauth}. The token is
     * already verified; its {@code auth_time} (a number, which the verified claims do not carry) is read from
     * it again. Tokens without one (not from a login here) never qualify.
     */
    private boolean recentlyAuthenticated(AuthCall call, Instant now) {
        if (!(BearerToken.from(call.request()) instanceof BearerToken.Found.Present bearer)) {
            return false;
        }
        Long authTime;
        try {
            authTime =
                    JWT.decode(bearer.token()).getClaim(TokenIssuer.AUTH_TIME).asLong();
        } catch (JWTDecodeException e) {
            return false;
        }
        if (authTime == null || authTime > now.getEpochSecond() + 60) {
            return false;
        }
        return now.getEpochSecond() - authTime <= rules.reauth().toSeconds();
    }

    void delete(AuthCall call) throws IOException {
        String id = call.subPath().substring(PATH.length() + 1);
        if (!storeWait.result(keys.revoke(call.token().subject(), id))) {
            ProblemWriter.write(
                    call.request(), call.response(), ProblemType.NOT_FOUND, "You have no API key with this id.");
            return;
        }
        AuthEndpoint.noContent(call);
    }
}
