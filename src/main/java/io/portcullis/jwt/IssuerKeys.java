package io.portcullis.jwt;

import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cached keys of one trusted issuer. Keys are fetched on first use, re-fetched when a token names an
 * unknown kid or the set is older than {@link #MAX_AGE}, but never more often than every
 * {@link #MIN_REFETCH_INTERVAL} (a flood of made-up kids cannot turn into a flood of fetches). A failed fetch
 * keeps the last good keys. Thread-safe: lookups read an immutable snapshot; one thread fetches at a time.
 */
final class IssuerKeys {
    static final Duration MIN_REFETCH_INTERVAL = Duration.ofSeconds(30);
    static final Duration MAX_AGE = Duration.ofMinutes(15);
    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);

    /** What a lookup found. */
    sealed interface Lookup {
        record Found(JWTVerifier verifier) implements Lookup {}

        /** The provider answered recently and has no such key: the token is invalid. */
        record Unknown() implements Lookup {}

        /** No such key, and the provider could not be asked: try again later. */
        record Unavailable() implements Lookup {}
    }

    private record Snapshot(Map<String, JWTVerifier> verifiers, Instant fetchedAt, Instant attemptedAt,
            boolean lastAttemptFailed) {}

    private final URI jwksUri;
    private final JwksSource source;
    private final Function<Algorithm, JWTVerifier> verifierFor;
    private final Clock clock;
    private final ReentrantLock fetching = new ReentrantLock();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), null, null, false);

    IssuerKeys(URI jwksUri, JwksSource source, Function<Algorithm, JWTVerifier> verifierFor, Clock clock) {
        this.jwksUri = jwksUri;
        this.source = source;
        this.verifierFor = verifierFor;
        this.clock = clock;
    }

    Lookup lookup(String kid) {
        Snapshot current = snapshot;
        JWTVerifier verifier = kid == null ? null : current.verifiers().get(kid);
        if (verifier != null) {
            if (isStale(current) && mayFetch(current) && fetching.tryLock()) {
                try {
                    refreshIfAllowed();
                } finally {
                    fetching.unlock();
                }
                verifier = snapshot.verifiers().getOrDefault(kid, verifier);
            }
            return new Lookup.Found(verifier);
        }
        if (kid == null) {
            return new Lookup.Unknown();
        }
        if (mayFetch(current)) {
            fetching.lock();
            try {
                refreshIfAllowed();
            } finally {
                fetching.unlock();
            }
        }
        Snapshot after = snapshot;
        verifier = after.verifiers().get(kid);
        if (verifier != null) {
            return new Lookup.Found(verifier);
        }
        return after.lastAttemptFailed() ? new Lookup.Unavailable() : new Lookup.Unknown();
    }

    private boolean isStale(Snapshot s) {
        return s.fetchedAt() == null || !clock.instant().isBefore(s.fetchedAt().plus(MAX_AGE));
    }

    private boolean mayFetch(Snapshot s) {
        return s.attemptedAt() == null || !clock.instant().isBefore(s.attemptedAt().plus(MIN_REFETCH_INTERVAL));
    }

    /** Under the lock: another thread may have fetched while this one waited. */
    private void refreshIfAllowed() {
        Snapshot current = snapshot;
        if (!mayFetch(current)) {
            return;
        }
        Instant now = clock.instant();
        try {
            Map<String, Algorithm> keys = JsonWebKeys.parse(source.fetch(jwksUri));
            Map<String, JWTVerifier> verifiers = new HashMap<>();
            keys.forEach((kid, algorithm) -> verifiers.put(kid, verifierFor.apply(algorithm)));
            snapshot = new Snapshot(Map.copyOf(verifiers), now, now, false);
            LOG.info("fetched {} signing keys from {}", verifiers.size(), jwksUri);
        } catch (IOException | RuntimeException e) {
            snapshot = new Snapshot(current.verifiers(), current.fetchedAt(), now, true);
            LOG.warn("cannot fetch the JWK Set from {} (keeping {} cached keys): {}", jwksUri,
                    current.verifiers().size(), e.toString());
        }
    }
}
