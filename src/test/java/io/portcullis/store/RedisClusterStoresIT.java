package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.auth.SessionStore;
import io.portcullis.auth.UserStore;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.jwt.VerifiedTokenStore;
import io.portcullis.quota.Charge;
import io.portcullis.quota.Checked;
import io.portcullis.quota.Quota;
import io.portcullis.ratelimit.CounterStore;
import io.portcullis.ratelimit.RateLimiter;
import io.portcullis.testsupport.MutableClock;
import io.portcullis.testsupport.RedisClusterRig;
import io.portcullis.testsupport.RedisProcess;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The store contracts against a real Redis Cluster (three primaries, three replicas on loopback), and what
 * only a Cluster can get wrong: keys of one script on two slots (CROSSSLOT), the revocation of a user checked
 * with an API key's bucket (two slots: two scripts, pipelined), scripts a node has never seen.
 */
class RedisClusterStoresIT {
    private static final RedisKeys KEYS = new RedisKeys(RedisTesting.PREFIX);
    private static RedisClusterRig cluster;
    private static RedisConnector connector;

    @BeforeAll
    static void start() {
        cluster = RedisClusterRig.start();
        connector = RedisTesting.connect(cluster.uri(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @BeforeEach
    void flush() {
        cluster.flushAll();
    }

    private static CheckThenCount counting() {
        return new CheckThenCount(connector, KEYS, RateLimitsConfig.Algorithm.SLIDING_WINDOW);
    }

    @Nested
    class Revocations extends RevocationStoreContract {
        @Override
        protected RevocationStore create(MutableClock clock, Duration retention) {
            return new RedisRevocationStore(connector, KEYS, clock, retention, counting());
        }

        @Override
        protected boolean countsWithCheck() {
            return true;
        }
    }

    @Nested
    class Sessions extends SessionStoreContract {
        @Override
        protected SessionStore create(MutableClock clock, SessionPolicy policy) {
            return new RedisSessionStore(connector, KEYS, clock, policy);
        }
    }

    @Nested
    class Users extends UserStoreContract {
        @Override
        protected UserStore create() {
            return new RedisUserStore(connector, KEYS);
        }
    }

    @Nested
    class ApiKeys extends ApiKeyStoreContract {
        @Override
        protected ApiKeyStore create() {
            return new RedisApiKeyStore(connector, KEYS, counting(), RedisApiKeyStore.DEFAULT_MAXIMUM_REMEMBERED);
        }

        @Override
        protected boolean countsWithCheck() {
            return true;
        }
    }

    @Nested
    class VerifiedTokens extends VerifiedTokenStoreContract {
        @Override
        protected VerifiedTokenStore create(MutableClock clock) {
            return new RedisVerifiedTokenStore(connector, KEYS, clock, Duration.ofHours(1));
        }
    }

    @Nested
    class SlidingWindowLimiter extends SlidingWindowContract {
        @Override
        protected RateLimiter create(MutableClock clock) {
            return new RedisRateLimiter(connector, KEYS, RateLimitAlgorithm.SLIDING_WINDOW, null);
        }

        @Override
        protected void elapse(Duration duration) {
            RedisTesting.pause(duration.toMillis());
        }
    }

    @Nested
    class TokenBucketLimiter extends TokenBucketContract {
        @Override
        protected RateLimiter create(MutableClock clock) {
            return new RedisRateLimiter(connector, KEYS, RateLimitAlgorithm.TOKEN_BUCKET, null);
        }

        @Override
        protected void elapse(Duration duration) {
            RedisTesting.pause(duration.toMillis());
        }
    }

    /** The login counters: each group's keys share one tag, so every script runs on one Cluster slot. */
    @Nested
    class LoginAttempts extends LoginAttemptStoreContract {
        @Override
        protected io.portcullis.auth.LoginAttemptStore create(MutableClock clock) {
            return new RedisLoginAttemptStore(connector, KEYS, clock, null);
        }

        @Override
        protected void forgetExpired() {
            cluster.flushAll();
        }
    }

    @Nested
    class Counters extends CounterStoreContract {
        @Override
        protected CounterStore create(MutableClock clock) {
            return new RedisCounterStore(connector, KEYS, null);
        }
    }

    @Test
    void checkWhenUserRevocationWithApiKeyBucketOnAnotherSlotThenCheckedAndCountedTogether() throws Exception {
        String bucket = KEYS.rateLimit("k:key-7", "default", RateLimitAlgorithm.SLIDING_WINDOW, 60_000);
        assertNotEquals(
                cluster.primaryOf(bucket).port(),
                cluster.primaryOf(KEYS.subjectNotBefore("alice")).port(),
                "the test needs the two on different primaries");
        RedisRevocationStore store =
                new RedisRevocationStore(connector, KEYS, Clock.systemUTC(), Duration.ofDays(8), counting());
        Charge charge = new Charge("k:key-7", "default", new Quota(2, Duration.ofMinutes(1)));
        RevocationQuery token = new RevocationQuery("alice", Optional.of("j1"), Optional.of("s1"), Instant.now());

        List<Checked<RevocationStatus>> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(store.check(token, charge).toCompletableFuture().join());
        }

        for (Checked<RevocationStatus> answer : answers) {
            assertEquals(RevocationStatus.ACTIVE, answer.outcome());
            assertTrue(answer.decision().isPresent(), "counted in the same round trip: " + answer);
        }
        assertEquals(
                List.of(true, true, false),
                answers.stream().map(a -> a.decision().orElseThrow().allowed()).toList());
    }

    @Test
    void healthWhenClusterUpThenStateOkAndEveryPrimaryReachable() {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Long.valueOf(3).equals(connector.health().details().get("primaries-reachable"))
                && System.nanoTime() < deadline) {
            RedisTesting.pause(50);
        }
        var details = connector.health().details();
        assertEquals("ok", details.get("cluster-state"), details.toString());
        assertEquals(3, details.get("primaries"), details.toString());
        assertEquals(3L, details.get("primaries-reachable"), details.toString());
    }

    /** EVALSHA calls summed over the primaries since the last reset. */
    private static long evalshaCalls() throws Exception {
        long calls = 0;
        for (RedisProcess primary : cluster.primaries()) {
            for (String line : primary.command("INFO", "commandstats").split("\r?\n")) {
                if (line.startsWith("cmdstat_evalsha:calls=")) {
                    calls += Long.parseLong(line.substring("cmdstat_evalsha:calls=".length(), line.indexOf(',')));
                }
            }
        }
        return calls;
    }

    @Test
    void checkWhenJwtPathOnClusterThenOneScriptPerRequestAsOnOneServer() throws Exception {
        RedisRevocationStore store =
                new RedisRevocationStore(connector, KEYS, Clock.systemUTC(), Duration.ofDays(8), counting());
        Charge user = new Charge("u:rt", "default", new Quota(1000, Duration.ofMinutes(1)));
        Charge key = new Charge("k:rt-key", "default", new Quota(1000, Duration.ofMinutes(1)));
        RevocationQuery token = new RevocationQuery("rt", Optional.of("j"), Optional.of("s"), Instant.now());
        store.check(token, user).toCompletableFuture().join(); // scripts cached on the slots' primaries
        store.check(token, key).toCompletableFuture().join();
        for (RedisProcess primary : cluster.primaries()) {
            primary.command("CONFIG", "RESETSTAT");
        }

        for (int i = 0; i < 100; i++) {
            store.check(token, user).toCompletableFuture().join();
        }
        long byUser = evalshaCalls();
        for (int i = 0; i < 100; i++) {
            store.check(token, key).toCompletableFuture().join();
        }
        long withKey = evalshaCalls() - byUser;

        assertEquals(100, byUser, "a user's bucket: one script per request");
        assertEquals(
                200, withKey, "an API key's bucket with a user's revocation: two scripts per request, sent together");
    }

    @Test
    void apiKeyRecordWhenCheckedThenOnTheSlotOfItsBucket() {
        String bucket = KEYS.rateLimit("k:key-9", "default", RateLimitAlgorithm.TOKEN_BUCKET, 1000);
        assertTrue(RedisConnector.sameSlot(KEYS.apiKeyLive("key-9"), bucket));
    }

    @Test
    void checkWhenManyConcurrentCallersOnOneBucketThenExactlyTheLimitAdmitted() throws Exception {
        RedisApiKeyStore store = new RedisApiKeyStore(connector, KEYS, counting(), 100);
        ApiKey key = new ApiKey("hot", "alice", "hot", "sha-hot", List.of(), Instant.now());
        store.create(key).toCompletableFuture().join();
        Charge charge = new Charge("k:hot", "default", new Quota(25, Duration.ofMinutes(1)));
        store.findByHash("sha-hot", k -> Optional.of(charge))
                .toCompletableFuture()
                .join();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<Checked<Optional<ApiKey>>>> calls = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                calls.add(callers.submit(() -> store.findByHash("sha-hot", k -> Optional.of(charge))
                        .toCompletableFuture()
                        .join()));
            }
            long admitted = 0;
            for (Future<Checked<Optional<ApiKey>>> call : calls) {
                Checked<Optional<ApiKey>> answer = call.get();
                assertTrue(answer.decision().isPresent(), answer.toString());
                admitted += answer.decision().get().allowed() ? 1 : 0;
            }
            assertEquals(25, admitted);
        } finally {
            callers.shutdownNow();
        }
    }

    @Test
    void evalWhenANodeLostItsScriptsThenLoadedOnTheKeysOwnerAndAnswered() throws Exception {
        for (RedisProcess primary : cluster.primaries()) {
            primary.command("SCRIPT", "FLUSH");
        }
        RedisRateLimiter limiter = new RedisRateLimiter(connector, KEYS, RateLimitAlgorithm.FIXED_WINDOW, null);
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (String bucket : List.of("u:a", "u:b", "u:c", "u:d", "u:e", "u:f")) {
            calls.add(limiter.acquire(bucket, "default", new Quota(5, Duration.ofMinutes(1)))
                    .toCompletableFuture());
        }
        for (CompletableFuture<?> call : calls) {
            call.join();
        }
    }
}
