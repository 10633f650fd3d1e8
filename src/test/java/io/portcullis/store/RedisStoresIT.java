package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.auth.SessionStore;
import io.portcullis.auth.UserStore;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.direct.DirectStore;
import io.portcullis.direct.DirectValue;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.jwt.VerifiedTokenStore;
import io.portcullis.ratelimit.CounterStore;
import io.portcullis.ratelimit.RateLimiter;
import io.portcullis.testsupport.MutableClock;
import io.portcullis.testsupport.RedisServerExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The store contracts, run against the Redis implementations and a real redis-server. */
class RedisStoresIT {
    @RegisterExtension
    static final RedisServerExtension REDIS = new RedisServerExtension();

    private static RedisConnector connector;
    private static final RedisKeys KEYS = new RedisKeys(RedisTesting.PREFIX);

    @BeforeAll
    static void connect() {
        connector = RedisTesting.connect(REDIS.uri(), java.time.Clock.systemUTC());
    }

    @AfterAll
    static void disconnect() {
        connector.close();
    }

    @BeforeEach
    void flush() {
        REDIS.flushAll();
    }

    @Nested
    class Revocations extends RevocationStoreContract {
        @Override
        protected RevocationStore create(MutableClock clock, Duration retention) {
            return new RedisRevocationStore(
                    connector,
                    KEYS,
                    clock,
                    retention,
                    new CheckThenCount(connector, KEYS, RateLimitsConfig.Algorithm.SLIDING_WINDOW));
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
            return new RedisApiKeyStore(
                    connector,
                    KEYS,
                    new CheckThenCount(connector, KEYS, RateLimitsConfig.Algorithm.SLIDING_WINDOW),
                    RedisApiKeyStore.DEFAULT_MAXIMUM_REMEMBERED);
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
    class FixedWindowLimiter extends RateLimiterContract {
        @Override
        protected RateLimiter create(MutableClock clock) {
            return new RedisRateLimiter(connector, KEYS, RateLimitAlgorithm.FIXED_WINDOW, null);
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

    @Nested
    class Direct extends DirectStoreContract {
        @Override
        protected DirectStore create() {
            return new RedisDirectStore(connector);
        }

        @Override
        protected void writeHash(DirectStore store, String key, Map<String, String> fields) {
            connector.call(c -> c.hset(key, fields)).join();
        }

        @Test
        void getWhenKeyIsUnprefixedApplicationDataThenReadAsWritten() throws Exception {
            REDIS.process().command("SET", "cart:raw", "plain words");

            assertEquals(
                    new DirectValue.Text("plain words"),
                    new RedisDirectStore(connector)
                            .get("cart:raw")
                            .toCompletableFuture()
                            .join());
        }

        @Test
        void getWhenListThenUnsupportedNamingTheType() throws Exception {
            REDIS.process().command("RPUSH", "cart:list", "a", "b");

            assertEquals(
                    new DirectValue.Unsupported("list"),
                    new RedisDirectStore(connector)
                            .get("cart:list")
                            .toCompletableFuture()
                            .join());
        }
    }

    @Nested
    class LoginAttempts extends LoginAttemptStoreContract {
        @Override
        protected io.portcullis.auth.LoginAttemptStore create(MutableClock clock) {
            return new RedisLoginAttemptStore(connector, KEYS, clock, null);
        }

        @Override
        protected void forgetExpired() {
            REDIS.flushAll();
        }
    }

    @Nested
    class Counters extends CounterStoreContract {
        @Override
        protected CounterStore create(MutableClock clock) {
            return new RedisCounterStore(connector, KEYS, null);
        }
    }
}
