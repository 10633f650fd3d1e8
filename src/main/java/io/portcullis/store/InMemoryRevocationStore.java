package io.portcullis.store;

import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.jwt.RevocationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@link RevocationStore} for one node. Entries expire on the injected clock when the tokens they concern
 * would have; at most {@code maximumEntries} are kept (past that, Caffeine evicts, which re-admits a revoked
 * token: size it above the revocations expected within one token lifetime). Thread-safe.
 */
public final class InMemoryRevocationStore implements RevocationStore {
    /** Default bound on revocation entries. */
    public static final long DEFAULT_MAXIMUM_ENTRIES = 1_000_000;

    private final ExpiringMap<String, Instant> entries;
    private final Clock clock;
    private final Duration retention;

    /** @param retention how long a subject's not-before mark is kept: the longest token lifetime plus leeway */
    public InMemoryRevocationStore(Clock clock, Duration retention, long maximumEntries) {
        this.clock = clock;
        this.retention = retention;
        this.entries = new ExpiringMap<>(clock, maximumEntries);
    }

    @Override
    public CompletionStage<Void> revokeToken(String subject, String jti, Instant expiresAt) {
        requireNonBlank(jti, "jti");
        entries.put(key("j", subject, jti), expiresAt, expiresAt);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> revokeSession(String subject, String sid, Instant until) {
        requireNonBlank(sid, "sid");
        entries.put(key("s", subject, sid), until, until);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<Void> revokeIssuedBefore(String subject, Instant notBefore) {
        long keepUntil = clock.millis() + retention.toMillis();
        entries.compute(
                key("n", subject, ""),
                old -> old != null && !old.value().isBefore(notBefore)
                        ? new ExpiringMap.Entry<>(old.value(), Math.max(old.expiresAtMillis(), keepUntil))
                        : new ExpiringMap.Entry<>(notBefore, keepUntil));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<RevocationStatus> check(RevocationQuery token) {
        return CompletableFuture.completedFuture(status(token));
    }

    private RevocationStatus status(RevocationQuery token) {
        if (token.jti().isPresent()
                && entries.get(key("j", token.subject(), token.jti().get())).isPresent()) {
            return RevocationStatus.REVOKED_TOKEN;
        }
        if (token.sid().isPresent()
                && entries.get(key("s", token.subject(), token.sid().get())).isPresent()) {
            return RevocationStatus.REVOKED_SESSION;
        }
        Optional<Instant> mark = entries.get(key("n", token.subject(), ""));
        if (mark.isPresent() && token.issuedAt().isBefore(mark.get())) {
            return RevocationStatus.REVOKED_SUBJECT;
        }
        return RevocationStatus.ACTIVE;
    }

    private static String key(String kind, String subject, String id) {
        return kind + '\u0000' + subject + '\u0000' + id;
    }

    static void requireNonBlank(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
