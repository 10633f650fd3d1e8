package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.apikey.ApiKey;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.testsupport.CommandCalls;
import io.portcullis.testsupport.RedisServerExtension;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The revocation check and the API-key match with the rate-limit count in one script, against a real
 * redis-server of this class's own: its {@code INFO commandstats} counts only this class's calls, so "one
 * EVALSHA and nothing else" is asserted exactly. The count is the rate-limit stage's own: the same bucket key
 * and the same decision as {@link RedisRateLimiter}, for every algorithm.
 */
class CheckThenCountIT {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final RedisKeys KEYS = new RedisKeys(RedisTesting.PREFIX);
    private static final Quota TWO_PER_MINUTE = new Quota(2, Duration.ofMinutes(1));
    private static final Charge ALICE = new Charge("u:alice", "orders", TWO_PER_MINUTE);

    private static RedisConnector connector;

    @BeforeAll
    static void connect() {
        connector = RedisTesting.connect(REDIS.uri(), Clock.systemUTC());
    }

    @AfterAll
    static void disconnect() {
        connector.close();
    }

    @BeforeEach
    void flush() {
        REDIS.flushAll();
    }

    private static CheckThenCount counting(RateLimitAlgorithm algorithm) {
        return new CheckThenCount(connector, KEYS, RateLimitsConfig.Algorithm.valueOf(algorithm.name()));
    }

    private static RedisRevocationStore revocations(RateLimitAlgorithm algorithm) {
        return new RedisRevocationStore(connector, KEYS, Clock.systemUTC(), Duration.ofDays(8), counting(algorithm));
    }

    private static RedisApiKeyStore apiKeys(RateLimitAlgorithm algorithm) {
        return new RedisApiKeyStore(connector, KEYS, counting(algorithm), 100);
    }

    private static RedisRateLimiter limiter(RateLimitAlgorithm algorithm) {
        return new RedisRateLimiter(connector, KEYS, algorithm, null);
    }

    private static RevocationQuery token(String jti, String sid, Instant issuedAt) {
        return new RevocationQuery("alice", Optional.of(jti), Optional.of(sid), issuedAt);
    }

    private static <T> T join(java.util.concurrent.CompletionStage<T> stage) {
        return stage.toCompletableFuture().join();
    }

    @ParameterizedTest
    @EnumSource(RateLimitAlgorithm.class)
    void checkWithChargeWhenActiveThenCountedInTheRateLimitStagesOwnBucket(RateLimitAlgorithm algorithm) {
        RedisRevocationStore store = revocations(algorithm);

        Checked<RevocationStatus> first = join(store.check(token("j1", "s1", Instant.now()), ALICE));
        Decision second = join(limiter(algorithm).acquire(ALICE.bucket(), ALICE.policy(), TWO_PER_MINUTE));
        Checked<RevocationStatus> third = join(store.check(token("j1", "s1", Instant.now()), ALICE));

        assertEquals(RevocationStatus.ACTIVE, first.outcome());
        assertEquals(Decision.Outcome.ALLOWED, first.decision().orElseThrow().outcome());
        assertEquals(1, first.decision().orElseThrow().remaining());
        assertEquals(Decision.Outcome.ALLOWED, second.outcome(), "the limiter sees the combined count");
        assertEquals(0, second.remaining());
        assertEquals(RevocationStatus.ACTIVE, third.outcome());
        Decision limited = third.decision().orElseThrow();
        assertEquals(Decision.Outcome.LIMITED, limited.outcome());
        assertEquals(2, limited.limit());
        assertTrue(limited.resetSeconds() >= 1 && limited.resetSeconds() <= 60, "reset " + limited.resetSeconds());
    }

    @ParameterizedTest
    @EnumSource(RateLimitAlgorithm.class)
    void checkWithChargeWhenRevokedThenRefusedAndNothingCounted(RateLimitAlgorithm algorithm) {
        RedisRevocationStore store = revocations(algorithm);
        Instant now = Instant.now();
        Instant later = now.plus(Duration.ofMinutes(15));
        join(store.revokeToken("alice", "j-revoked", later));
        join(store.revokeSession("alice", "s-ended", later));
        join(store.revokeIssuedBefore("alice", now.minusSeconds(60)));

        assertEquals(
                new Checked<>(RevocationStatus.REVOKED_TOKEN, Optional.empty()),
                join(store.check(token("j-revoked", "s1", now), ALICE)));
        assertEquals(
                new Checked<>(RevocationStatus.REVOKED_SESSION, Optional.empty()),
                join(store.check(token("j2", "s-ended", now), ALICE)));
        assertEquals(
                new Checked<>(RevocationStatus.REVOKED_SUBJECT, Optional.empty()),
                join(store.check(token("j3", "s3", now.minusSeconds(120)), ALICE)));

        Decision untouched = join(limiter(algorithm).acquire(ALICE.bucket(), ALICE.policy(), TWO_PER_MINUTE));
        assertEquals(1, untouched.remaining(), "three revoked requests counted nothing");
    }

    @Test
    void checkWithChargeWhenRevokedAndLimitedThenRevokedWins() {
        RedisRevocationStore store = revocations(RateLimitAlgorithm.FIXED_WINDOW);
        join(store.check(token("j1", "s1", Instant.now()), ALICE));
        join(store.check(token("j1", "s1", Instant.now()), ALICE));
        join(store.revokeToken("alice", "j1", Instant.now().plusSeconds(60)));

        assertEquals(
                new Checked<>(RevocationStatus.REVOKED_TOKEN, Optional.empty()),
                join(store.check(token("j1", "s1", Instant.now()), ALICE)));
        assertEquals(
                Decision.Outcome.LIMITED,
                join(store.check(token("j2", "s1", Instant.now()), ALICE))
                        .decision()
                        .orElseThrow()
                        .outcome());
    }

    @Test
    void checkWithChargeThenOneEvalshaAndNoOtherClientCommand() {
        RedisRevocationStore store = revocations(RateLimitAlgorithm.SLIDING_WINDOW);
        join(store.check(token("j0", "s1", Instant.now()), ALICE)); // the script is loaded: no NOSCRIPT below

        Map<String, Long> calls = CommandCalls.during(
                REDIS.process(),
                () -> join(store.check(
                        token("j1", "s1", Instant.now()),
                        new Charge("u:alice", "orders", new Quota(100, Duration.ofMinutes(1))))));

        assertEquals(1, calls.remove("evalsha"), calls.toString());
        // Everything else ran inside that script.
        assertTrue(
                List.of("exists", "get", "time", "zrange", "zremrangebyscore", "zcard", "zadd", "pexpire")
                        .containsAll(calls.keySet()),
                calls.toString());
    }

    @Test
    void findByHashWithChargeWhenKeyIsKnownThenConfirmedAndCountedInOneEvalsha() {
        RedisApiKeyStore store = apiKeys(RateLimitAlgorithm.FIXED_WINDOW);
        ApiKey key =
                new ApiKey("k1", "owner", "ci", "sha-k1", List.of("orders"), Instant.parse("2026-11-23T10:00:00Z"));
        join(store.create(key));
        Charge charge = new Charge("k:k1", "default", TWO_PER_MINUTE);

        Checked<Optional<ApiKey>> first = join(store.findByHash("sha-k1", found -> Optional.of(charge)));
        Map<String, Long> calls = CommandCalls.during(REDIS.process(), () -> {
            Checked<Optional<ApiKey>> second = join(store.findByHash("sha-k1", found -> Optional.of(charge)));
            assertEquals(key, second.outcome().orElseThrow());
            assertEquals(1, second.decision().orElseThrow().remaining());
        });

        assertEquals(new Checked<>(Optional.of(key), Optional.empty()), first, "first sight: read, not counted");
        assertEquals(1, calls.remove("evalsha"), calls.toString());
        assertFalse(calls.containsKey("hgetall"), calls.toString());
        assertTrue(List.of("hmget", "incr", "pexpire", "pttl").containsAll(calls.keySet()), calls.toString());
    }

    @Test
    void findByHashWithChargeWhenRevokedElsewhereThenRefusedAtOnceAndNothingCounted() {
        RedisApiKeyStore here = apiKeys(RateLimitAlgorithm.TOKEN_BUCKET);
        RedisApiKeyStore elsewhere = apiKeys(RateLimitAlgorithm.TOKEN_BUCKET);
        ApiKey key = new ApiKey("k2", "owner", "ci", "sha-k2", List.of(), Instant.parse("2026-11-23T10:00:00Z"));
        join(here.create(key));
        Charge charge = new Charge("k:k2", "default", TWO_PER_MINUTE);
        join(here.findByHash("sha-k2", found -> Optional.of(charge)));

        assertTrue(join(elsewhere.revoke("owner", "k2")));

        assertEquals(
                new Checked<>(Optional.empty(), Optional.empty()),
                join(here.findByHash("sha-k2", found -> Optional.of(charge))));
        assertEquals(
                1,
                join(limiter(RateLimitAlgorithm.TOKEN_BUCKET).acquire("k:k2", "default", TWO_PER_MINUTE))
                        .remaining(),
                "the revoked key's request counted nothing");
    }

    @Test
    void findByHashWithChargeWhenScopesChangedThenReadAgainAndNotCounted() throws IOException {
        RedisApiKeyStore store = apiKeys(RateLimitAlgorithm.FIXED_WINDOW);
        ApiKey key =
                new ApiKey("k3", "owner", "ci", "sha-k3", List.of("orders"), Instant.parse("2026-11-23T10:00:00Z"));
        join(store.create(key));
        Charge charge = new Charge("k:k3", "default", TWO_PER_MINUTE);
        join(store.findByHash("sha-k3", found -> Optional.of(charge)));
        // The record and its hot-path copy (redis/README.md: an edit of a key's scopes changes both).
        REDIS.process().command("HSET", RedisTesting.PREFIX + "apikey:sha-k3", "scopes", "admin");
        REDIS.process().command("HSET", RedisTesting.PREFIX + "apikey:{k:k3}", "scopes", "admin");

        Checked<Optional<ApiKey>> changed = join(store.findByHash("sha-k3", found -> Optional.of(charge)));
        Checked<Optional<ApiKey>> after = join(store.findByHash("sha-k3", found -> Optional.of(charge)));

        assertEquals(List.of("admin"), changed.outcome().orElseThrow().scopes());
        assertTrue(changed.decision().isEmpty(), "read afresh: the rate-limit stage counts");
        assertEquals(List.of("admin"), after.outcome().orElseThrow().scopes());
        assertEquals(1, after.decision().orElseThrow().remaining());
    }

    @Test
    void findByHashWithChargeWhenIssuedBeforeTheHotPathCopyThenFoundAndLeftToStageSix() throws IOException {
        RedisApiKeyStore store = apiKeys(RateLimitAlgorithm.FIXED_WINDOW);
        // A key written by an earlier version: its record only, no apikey:{k:<id>} copy.
        REDIS.process()
                .command(
                        "HSET",
                        RedisTesting.PREFIX + "apikey:sha-old",
                        "id",
                        "old",
                        "owner",
                        "owner",
                        "name",
                        "old",
                        "scopes",
                        "",
                        "created",
                        "0");
        Charge charge = new Charge("k:old", "default", TWO_PER_MINUTE);

        Checked<Optional<ApiKey>> first = join(store.findByHash("sha-old", found -> Optional.of(charge)));
        Checked<Optional<ApiKey>> second = join(store.findByHash("sha-old", found -> Optional.of(charge)));

        assertEquals("old", first.outcome().orElseThrow().id());
        assertEquals("old", second.outcome().orElseThrow().id(), "still accepted");
        assertTrue(second.decision().isEmpty(), "not counted here: the rate-limit stage counts it");
    }

    @Test
    void findByHashWithChargeWhenNothingToCountThenPlainLookup() {
        RedisApiKeyStore store = apiKeys(RateLimitAlgorithm.FIXED_WINDOW);
        ApiKey key = new ApiKey("k4", "owner", "ci", "sha-k4", List.of(), Instant.parse("2026-11-23T10:00:00Z"));
        join(store.create(key));
        join(store.findByHash("sha-k4", found -> Optional.empty()));

        Map<String, Long> calls = CommandCalls.during(
                REDIS.process(),
                () -> assertEquals(
                        new Checked<>(Optional.of(key), Optional.empty()),
                        join(store.findByHash("sha-k4", found -> Optional.empty()))));

        assertEquals(Map.of("hgetall", 1L), calls);
    }

    @Test
    void unknownKeyWhenLookedUpThenNotRememberedAndNeverCounted() {
        RedisApiKeyStore store = apiKeys(RateLimitAlgorithm.FIXED_WINDOW);
        Charge charge = new Charge("k:ghost", "default", TWO_PER_MINUTE);
        for (int i = 0; i < 3; i++) {
            assertEquals(
                    new Checked<>(Optional.empty(), Optional.empty()),
                    join(store.findByHash("sha-ghost", found -> Optional.of(charge))));
        }
        assertEquals(
                1,
                join(limiter(RateLimitAlgorithm.FIXED_WINDOW).acquire("k:ghost", "default", TWO_PER_MINUTE))
                        .remaining());
    }

    @Test
    void storesWhenRedisUnreachableThenUnavailableAndNothingCounted() {
        RedisConnector nowhere = RedisConnector.start(
                new io.portcullis.config.RedisConfig(
                        Optional.of(java.net.URI.create("redis://127.0.0.1:1")),
                        RedisTesting.PREFIX,
                        RedisTesting.TIMEOUT,
                        io.portcullis.config.RedisConfig.FailurePolicy.ALLOW,
                        io.portcullis.config.RedisConfig.FailurePolicy.DENY),
                Clock.systemUTC(),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        try {
            CheckThenCount counting = new CheckThenCount(nowhere, KEYS, RateLimitsConfig.Algorithm.FIXED_WINDOW);
            RedisRevocationStore revocations =
                    new RedisRevocationStore(nowhere, KEYS, Clock.systemUTC(), Duration.ofDays(8), counting);
            assertEquals(
                    new Checked<>(RevocationStatus.UNAVAILABLE, Optional.empty()),
                    join(revocations.check(token("j1", "s1", Instant.now()), ALICE)));
            RedisApiKeyStore apiKeys = new RedisApiKeyStore(nowhere, KEYS, counting, 100);
            CompletionException failed = assertThrows(
                    CompletionException.class, () -> join(apiKeys.findByHash("sha-k1", found -> Optional.of(ALICE))));
            assertTrue(failed.getCause() instanceof StoreUnavailableException, failed.toString());
        } finally {
            nowhere.close();
        }
    }

    @Test
    void sameSlotWhenSubjectTaggedThenRevocationAndUserBucketShareOneElseNot() {
        String bucket = KEYS.rateLimit("u:alice", "default", RateLimitAlgorithm.SLIDING_WINDOW, 60_000);
        assertTrue(RedisConnector.sameSlot(
                KEYS.revokedToken("alice", "j1"),
                KEYS.revokedSession("alice", "s1"),
                KEYS.subjectNotBefore("alice"),
                bucket));
        assertFalse(RedisConnector.sameSlot(
                KEYS.revokedToken("alice", "j1"),
                KEYS.rateLimit("k:partner", "default", RateLimitAlgorithm.SLIDING_WINDOW, 60_000)));
        assertFalse(RedisConnector.sameSlot(
                KEYS.apiKey("0123abcd"),
                KEYS.rateLimit("k:partner", "default", RateLimitAlgorithm.SLIDING_WINDOW, 60_000)));
        assertTrue(connector.oneSlot(KEYS.apiKey("0123abcd"), bucket), "one server holds every key outside Cluster");
    }
}
