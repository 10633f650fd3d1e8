package io.portcullis.store;

import io.portcullis.jwt.VerifiedTokenStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** {@link VerifiedTokenStore} for one node: bounded, entries gone at exp or after the maximum TTL. Thread-safe. */
public final class InMemoryVerifiedTokenStore implements VerifiedTokenStore {
    private final ExpiringMap<String, String> payloads;
    private final Clock clock;
    private final Duration maximumTtl;

    public InMemoryVerifiedTokenStore(Clock clock, Duration maximumTtl, long maximumEntries) {
        this.clock = clock;
        this.maximumTtl = maximumTtl;
        this.payloads = new ExpiringMap<>(clock, maximumEntries);
    }

    @Override
    public CompletionStage<Optional<String>> get(String tokenHash) {
        return CompletableFuture.completedFuture(payloads.get(tokenHash));
    }

    @Override
    public CompletionStage<Void> put(String tokenHash, String payload, Instant expiresAt) {
        Instant cap = clock.instant().plus(maximumTtl);
        payloads.put(tokenHash, payload, expiresAt.isBefore(cap) ? expiresAt : cap);
        return CompletableFuture.completedFuture(null);
    }
}
