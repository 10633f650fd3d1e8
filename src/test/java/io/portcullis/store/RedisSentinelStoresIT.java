package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.auth.SessionStore;
import io.portcullis.auth.UserStore;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.ratelimit.RateLimiter;
import io.portcullis.testsupport.MutableClock;
import io.portcullis.testsupport.RedisSentinelRig;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The store contracts through Sentinel (one primary, one replica, three Sentinels on loopback). */
class RedisSentinelStoresIT {
    private static final RedisKeys KEYS = new RedisKeys(RedisTesting.PREFIX);
    private static RedisSentinelRig sentinel;
    private static RedisConnector connector;

    @BeforeAll
    static void start() {
        sentinel = RedisSentinelRig.start();
        connector = RedisTesting.connect(sentinel.uri(), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (connector != null) {
            connector.close();
        }
        if (sentinel != null) {
            sentinel.close();
        }
    }

    @BeforeEach
    void flush() {
        sentinel.flushAll();
    }

    private static CheckThenCount counting() {
        return new CheckThenCount(connector, KEYS, RateLimitsConfig.Algorithm.SLIDING_WINDOW);
    }

    @Test
    void healthWhenConnectedThroughSentinelThenNamesThePrimaryTheSentinelsChose() throws Exception {
        String expected = "127.0.0.1:" + sentinel.primary().port();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!expected.equals(connector.health().details().get("sentinel-primary")) && System.nanoTime() < deadline) {
            RedisTesting.pause(50);
        }
        assertEquals(
                expected,
                connector.health().details().get("sentinel-primary"),
                connector.health().toString());
        assertEquals("sentinel", connector.health().details().get("mode"));
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
}
