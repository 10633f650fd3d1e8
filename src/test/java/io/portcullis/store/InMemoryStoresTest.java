package io.portcullis.store;

import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.auth.SessionStore;
import io.portcullis.auth.UserStore;
import io.portcullis.direct.DirectStore;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.jwt.VerifiedTokenStore;
import io.portcullis.ratelimit.CounterStore;
import io.portcullis.ratelimit.RateLimiter;
import io.portcullis.testsupport.MutableClock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Nested;

/** The store contracts, run against the in-memory implementations. */
class InMemoryStoresTest {

    @Nested
    class Revocations extends RevocationStoreContract {
        @Override
        protected RevocationStore create(MutableClock clock, Duration retention) {
            return new InMemoryRevocationStore(clock, retention, 1000);
        }
    }

    @Nested
    class Sessions extends SessionStoreContract {
        @Override
        protected SessionStore create(MutableClock clock, SessionPolicy policy) {
            return new InMemorySessionStore(clock, policy, 1000);
        }
    }

    @Nested
    class Users extends UserStoreContract {
        @Override
        protected UserStore create() {
            return new InMemoryUserStore(1000);
        }
    }

    @Nested
    class ApiKeys extends ApiKeyStoreContract {
        @Override
        protected ApiKeyStore create() {
            return new InMemoryApiKeyStore(1000);
        }
    }

    @Nested
    class Direct extends DirectStoreContract {
        @Override
        protected DirectStore create() {
            return new InMemoryDirectStore(1000);
        }

        @Override
        protected void writeHash(DirectStore store, String key, Map<String, String> fields) {
            ((InMemoryDirectStore) store)
                    .putHash(key, fields)
                    .toCompletableFuture()
                    .join();
        }
    }

    @Nested
    class VerifiedTokens extends VerifiedTokenStoreContract {
        @Override
        protected VerifiedTokenStore create(MutableClock clock) {
            return new InMemoryVerifiedTokenStore(clock, Duration.ofHours(1), 1000);
        }
    }

    @Nested
    class FixedWindowLimiter extends RateLimiterContract {
        @Override
        protected RateLimiter create(MutableClock clock) {
            return InMemoryRateLimiter.fixedWindow(clock, 1000);
        }
    }

    @Nested
    class SlidingWindowLimiter extends SlidingWindowContract {
        @Override
        protected RateLimiter create(MutableClock clock) {
            return new InMemoryRateLimiter(RateLimitAlgorithm.SLIDING_WINDOW, clock, 1000);
        }
    }

    @Nested
    class TokenBucketLimiter extends TokenBucketContract {
        @Override
        protected RateLimiter create(MutableClock clock) {
            return new InMemoryRateLimiter(RateLimitAlgorithm.TOKEN_BUCKET, clock, 1000);
        }
    }

    @Nested
    class LoginAttempts extends LoginAttemptStoreContract {
        @Override
        protected io.portcullis.auth.LoginAttemptStore create(MutableClock clock) {
            return new InMemoryLoginAttemptStore(clock, 1000);
        }
    }

    @Nested
    class Counters extends CounterStoreContract {
        @Override
        protected CounterStore create(MutableClock clock) {
            return new InMemoryCounterStore(clock, 1000);
        }
    }
}
