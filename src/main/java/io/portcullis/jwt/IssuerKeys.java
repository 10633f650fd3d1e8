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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cached keys of one trusted issuer. Keys are fetched on first use, re-fetched when a token names an
 * unknown kid or the set is older than {@link #MAX_AGE}, but never more often than every
 * {@link #MIN_REFETCH_INTERVAL} (a flood of made-up kids cannot turn into a flood of fetches). A failed fetch
 * keeps the last good keys. The keys come from a {@link KeySetLocation}: the configured {@code jwks-uri}, or the
 * one OpenID Connect discovery names; a provider that answers with a document it must not trust
 * ({@link KeySetLocation.UntrustedDocumentException}) has answered, so a kid it lacks is unknown (401), not
 * unavailable (503).
 *
 * <p>A fetch runs on the given executor, never on a request thread and never under a lock: a request whose
 * kid is cached is answered from the snapshot at once (a stale set is refreshed in the background), and a
 * request that needs the fetch (unknown kid) joins the one fetch in flight and waits at most the deadline.
 * A fetch that outlives twice the deadline is abandoned and a new one may start. Thread-safe: lookups read
 * an immutable snapshot; only the owner of the fetch in flight writes it.
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

        /** No such key, and the provider could not be asked in time: try again later. */
        record Unavailable() implements Lookup {}
    }

    private record Snapshot(
            Map<String, JWTVerifier> verifiers, Instant fetchedAt, Instant attemptedAt, boolean lastAttemptFailed) {}

    /** The fetch in flight and when it started ({@link System#nanoTime()}). */
    private record Fetch(CompletableFuture<Void> done, long startedNanos) {}

    private final KeySetLocation location;
    private final Function<Algorithm, JWTVerifier> verifierFor;
    private final Clock clock;
    private final Executor executor;
    private final Duration deadline;
    private final AtomicReference<Fetch> inFlight = new AtomicReference<>();
    private volatile Snapshot snapshot = new Snapshot(Map.of(), null, null, false);

    /**
     * @param executor runs the fetches
     * @param deadline the longest a lookup waits for a fetch
     */
    IssuerKeys(
            URI jwksUri,
            JwksSource source,
            Function<Algorithm, JWTVerifier> verifierFor,
            Clock clock,
            Executor executor,
            Duration deadline) {
        this(KeySetLocation.fixed(jwksUri, source), verifierFor, clock, executor, deadline);
    }

    /**
     * @param location where the JWK Set is read from
     * @param executor runs the fetches
     * @param deadline the longest a lookup waits for a fetch
     */
    IssuerKeys(
            KeySetLocation location,
            Function<Algorithm, JWTVerifier> verifierFor,
            Clock clock,
            Executor executor,
            Duration deadline) {
        this.location = location;
        this.verifierFor = verifierFor;
        this.clock = clock;
        this.executor = executor;
        this.deadline = deadline;
    }

    Lookup lookup(String kid) {
        Snapshot current = snapshot;
        JWTVerifier verifier = kid == null ? null : current.verifiers().get(kid);
        if (verifier != null) {
            if (isStale(current)) {
                start();
            }
            return new Lookup.Found(verifier);
        }
        if (kid == null) {
            return new Lookup.Unknown();
        }
        boolean answered = await(start());
        Snapshot after = snapshot;
        verifier = after.verifiers().get(kid);
        if (verifier != null) {
            return new Lookup.Found(verifier);
        }
        return !answered || after.lastAttemptFailed() ? new Lookup.Unavailable() : new Lookup.Unknown();
    }

    private boolean isStale(Snapshot s) {
        return s.fetchedAt() == null || !clock.instant().isBefore(s.fetchedAt().plus(MAX_AGE));
    }

    private boolean mayFetch(Snapshot s) {
        return s.attemptedAt() == null
                || !clock.instant().isBefore(s.attemptedAt().plus(MIN_REFETCH_INTERVAL));
    }

    /** The fetch in flight, a new one when none runs and one is allowed, or null when neither. */
    private CompletableFuture<Void> start() {
        while (true) {
            Fetch running = inFlight.get();
            if (running != null && System.nanoTime() - running.startedNanos() < 2 * deadline.toNanos()) {
                return running.done();
            }
            Snapshot current = snapshot;
            if (running == null && !mayFetch(current)) {
                return null;
            }
            Fetch mine = new Fetch(new CompletableFuture<>(), System.nanoTime());
            if (inFlight.compareAndSet(running, mine)) {
                Instant now = clock.instant();
                // Attempted from now on: lookups meanwhile join this fetch instead of starting another.
                snapshot = new Snapshot(current.verifiers(), current.fetchedAt(), now, current.lastAttemptFailed());
                try {
                    executor.execute(() -> fetch(mine, current, now));
                } catch (RejectedExecutionException e) {
                    finish(mine, new Snapshot(current.verifiers(), current.fetchedAt(), now, true));
                }
                return mine.done();
            }
        }
    }

    private void fetch(Fetch mine, Snapshot before, Instant now) {
        try {
            Map<String, Algorithm> keys = JsonWebKeys.parse(location.fetch());
            Map<String, JWTVerifier> verifiers = new HashMap<>();
            keys.forEach((kid, algorithm) -> verifiers.put(kid, verifierFor.apply(algorithm)));
            finish(mine, new Snapshot(Map.copyOf(verifiers), now, now, false));
            LOG.info("fetched {} signing keys from {}", verifiers.size(), location.describe());
        } catch (KeySetLocation.UntrustedDocumentException e) {
            finish(mine, new Snapshot(before.verifiers(), before.fetchedAt(), now, false));
            LOG.warn(
                    "refusing the keys of {} (keeping {} cached keys; tokens with other kids are refused): {}",
                    location.describe(),
                    before.verifiers().size(),
                    e.getMessage());
        } catch (IOException | RuntimeException e) {
            finish(mine, new Snapshot(before.verifiers(), before.fetchedAt(), now, true));
            LOG.warn(
                    "cannot fetch the JWK Set from {} (keeping {} cached keys): {}",
                    location.describe(),
                    before.verifiers().size(),
                    e.toString());
        }
    }

    /** Publishes the outcome unless this fetch was abandoned meanwhile, and wakes its waiters. */
    private void finish(Fetch mine, Snapshot outcome) {
        if (inFlight.get() == mine) {
            snapshot = outcome;
            inFlight.compareAndSet(mine, null);
        }
        mine.done().complete(null);
    }

    /** Whether the fetch (if any) finished within the deadline. */
    private boolean await(CompletableFuture<Void> fetch) {
        if (fetch == null) {
            return true;
        }
        try {
            fetch.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            return false;
        }
    }
}
