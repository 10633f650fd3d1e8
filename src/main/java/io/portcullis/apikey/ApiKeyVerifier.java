package io.portcullis.apikey;

import io.portcullis.chain.Identity;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.chain.StoreWait;
import io.portcullis.config.ApiKeysConfig;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Counted;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells who a presented API key belongs to, by its SHA-256 only: first the static keys of the configuration
 * (compared in constant time, all of them every time), then the issued keys in the {@link ApiKeyStore}. The
 * store is asked on every request, with no cache in between, so a revoked key stops working on every node at
 * once; given the request's rate-limit charge, that same store call also counts the request for the rate-limit stage.
 * Thread-safe.
 */
public final class ApiKeyVerifier {
    private static final Logger LOG = LoggerFactory.getLogger(ApiKeyVerifier.class);
    private static final HexFormat HEX = HexFormat.of();

    private final List<StaticKey> staticKeys;
    private final ApiKeyStore store;
    private final StoreWait storeWait;

    public ApiKeyVerifier(List<ApiKeysConfig.StaticKey> staticKeys, ApiKeyStore store) {
        this(staticKeys, store, StoreWait.DEFAULT);
    }

    /** @param storeWait the bound on the wait for the store's answer; past it the key's check is unavailable */
    public ApiKeyVerifier(List<ApiKeysConfig.StaticKey> staticKeys, ApiKeyStore store, StoreWait storeWait) {
        this.storeWait = storeWait;
        this.staticKeys = staticKeys.stream()
                .map(k -> new StaticKey(HEX.parseHex(k.sha256()), identity(k.id(), k.scopes())))
                .toList();
        this.store = store;
    }

    /** Checks a key as the client sent it; blocks at most the store's timeout. */
    public KeyCheck check(String presented) {
        return check(presented, Optional.empty());
    }

    /**
     * As {@link #check(String)}; an issued key's lookup also counts {@code chargeFor(identity)} for the
     * rate-limit stage in the same store round trip, returned in {@link KeyCheck#counted}. Static keys need no
     * round trip, so nothing is counted for them here.
     *
     * @param chargeFor the charge the identified caller makes, or empty to count nothing
     */
    public KeyCheck check(String presented, Function<Identity, Optional<Charge>> chargeFor) {
        return check(presented, Optional.of(chargeFor));
    }

    private KeyCheck check(String presented, Optional<Function<Identity, Optional<Charge>>> chargeFor) {
        byte[] hash = sha256(presented);
        Optional<Identity> fromConfig = Optional.empty();
        for (StaticKey key : staticKeys) {
            // No early exit: the time taken does not tell which static key, if any, matched.
            if (MessageDigest.isEqual(hash, key.sha256()) && fromConfig.isEmpty()) {
                fromConfig = Optional.of(key.identity());
            }
        }
        if (fromConfig.isPresent()) {
            return KeyCheck.identified(fromConfig.get());
        }
        try {
            // Lookup by hash: what the store compares is not the secret, so its timing reveals nothing of it.
            String sha256 = HEX.formatHex(hash);
            Checked<Optional<ApiKey>> found = chargeFor.isEmpty()
                    ? Checked.notCounted(storeWait.result(store.findByHash(sha256)))
                    : storeWait.result(
                            store.findByHash(sha256, key -> chargeFor.get().apply(identity(key))));
            if (found.outcome().isEmpty()) {
                return KeyCheck.of(KeyCheck.Outcome.INVALID);
            }
            Identity identity = identity(found.outcome().get());
            Optional<Counted> counted = found.decision()
                    .flatMap(decision ->
                            chargeFor.orElseThrow().apply(identity).map(charge -> new Counted(charge, decision)));
            return new KeyCheck(KeyCheck.Outcome.IDENTIFIED, identity, counted);
        } catch (StoreUnavailableException e) {
            LOG.debug(
                    "API key lookup failed: {}",
                    e.getCause() == null ? e.toString() : e.getCause().toString());
            return KeyCheck.of(KeyCheck.Outcome.UNAVAILABLE);
        }
    }

    /** Lower-case hex SHA-256 of a key, as kept in the configuration and the store. */
    public static String sha256Hex(String key) {
        return HEX.formatHex(sha256(key));
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    private static Identity identity(String id, List<String> scopes) {
        return new Identity(Identity.AuthMethod.API_KEY, Optional.empty(), List.of(), Optional.of(id), scopes);
    }

    /** An issued key speaks for its owner's rate-limit bucket. */
    private static Identity identity(ApiKey key) {
        return new Identity(
                Identity.AuthMethod.API_KEY,
                Optional.empty(),
                List.of(),
                Optional.of(key.id()),
                key.scopes(),
                Optional.of(key.ownerId()));
    }

    private record StaticKey(byte[] sha256, Identity identity) {}
}
