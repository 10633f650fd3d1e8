package io.portcullis.apikey;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;

import io.portcullis.chain.Identity;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.chain.StoreWait;
import io.portcullis.config.ApiKeysConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class ApiKeyVerifierTest {
    static final String STATIC_KEY = "static-secret-key";
    static final String ISSUED_KEY = "issued-secret-key";

    private final ApiKeyStore store = mock(ApiKeyStore.class);
    private final ApiKeyVerifier verifier = new ApiKeyVerifier(
            List.of(
                    new ApiKeysConfig.StaticKey("other", ApiKeyVerifier.sha256Hex("other-key"), List.of()),
                    new ApiKeysConfig.StaticKey(
                            "partner-a", ApiKeyVerifier.sha256Hex(STATIC_KEY), List.of("partner_api"))),
            store);

    @Test
    void sha256HexWhenKnownVectorThenLowerCaseHex() {
        assertEquals(
                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeyVerifier.sha256Hex("abc"));
    }

    @Test
    void checkWhenStaticKeyThenIdentifiedWithoutAskingTheStore() {
        KeyCheck check = verifier.check(STATIC_KEY);

        assertEquals(KeyCheck.Outcome.IDENTIFIED, check.outcome());
        assertEquals(Identity.AuthMethod.API_KEY, check.identity().method());
        assertEquals(Optional.of("partner-a"), check.identity().clientId());
        assertEquals(List.of("partner_api"), check.identity().scopes());
        verifyNoInteractions(store);
    }

    @Test
    void checkWhenIssuedKeyThenLookedUpByHashAndIdentified() {
        String hash = ApiKeyVerifier.sha256Hex(ISSUED_KEY);
        when(store.findByHash(hash))
                .thenReturn(CompletableFuture.completedFuture(
                        Optional.of(new ApiKey("key-1", "user-1", "ci", hash, List.of("orders"), Instant.EPOCH))));

        KeyCheck check = verifier.check(ISSUED_KEY);

        assertEquals(KeyCheck.Outcome.IDENTIFIED, check.outcome());
        assertEquals(Optional.of("key-1"), check.identity().clientId());
        assertEquals(List.of("orders"), check.identity().scopes());
        verify(store).findByHash(hash);
    }

    @Test
    void checkWhenUnknownOrRevokedThenInvalid() {
        when(store.findByHash(anyString())).thenReturn(CompletableFuture.completedFuture(Optional.empty()));

        assertEquals(
                KeyCheck.Outcome.INVALID, verifier.check("nobody-knows-this").outcome());
        assertEquals(Identity.ANONYMOUS, verifier.check("nobody-knows-this").identity());
    }

    @Test
    void checkWhenStoreUnavailableThenUnavailable() {
        when(store.findByHash(anyString()))
                .thenReturn(CompletableFuture.failedFuture(new StoreUnavailableException("Redis down")));

        assertEquals(KeyCheck.Outcome.UNAVAILABLE, verifier.check(ISSUED_KEY).outcome());
    }

    @Test
    void checkWhenStoreNeverAnswersThenUnavailableWithinTheStoreWait() {
        when(store.findByHash(anyString())).thenReturn(new CompletableFuture<>());
        ApiKeyVerifier bounded = new ApiKeyVerifier(List.of(), store, new StoreWait(Duration.ofMillis(50)));

        assertEquals(KeyCheck.Outcome.UNAVAILABLE, bounded.check(ISSUED_KEY).outcome());
    }

    @Test
    void checkWhenStoreUnavailableThenStaticKeysStillWork() {
        when(store.findByHash(anyString()))
                .thenReturn(CompletableFuture.failedFuture(new StoreUnavailableException("Redis down")));

        assertEquals(KeyCheck.Outcome.IDENTIFIED, verifier.check(STATIC_KEY).outcome());
    }
}
