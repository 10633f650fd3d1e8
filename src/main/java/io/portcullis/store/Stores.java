package io.portcullis.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.portcullis.apikey.ApiKeyStore;
import io.portcullis.auth.AuthStores;
import io.portcullis.auth.LoginAttemptStore;
import io.portcullis.auth.SessionStore;
import io.portcullis.auth.UserStore;
import io.portcullis.config.AuthConfig;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.config.RedisConfig;
import io.portcullis.direct.DirectStore;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.jwt.VerifiedTokenStore;
import io.portcullis.ratelimit.CounterStore;
import io.portcullis.ratelimit.RateLimiter;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.LoggerFactory;

/**
 * Every store the gateway uses, chosen once from the configuration: in Redis when {@code redis.uri} is set
 * (one shared Lettuce connection, guarded by a circuit breaker), otherwise in this process. Users follow
 * {@code auth.users}: {@code redis} stores them in Redis when Redis is configured, anything else in memory.
 * Owns the Redis connection: {@link #close} releases it. Thread-safe.
 */
public final class Stores implements AutoCloseable {
    /** The longest a verified payload is shared, whatever the token's exp. */
    public static final Duration VERIFIED_TOKEN_MAXIMUM_TTL = Duration.ofHours(1);

    private final RevocationStore revocations;
    private final VerifiedTokenStore verifiedTokens;
    private final UserStore users;
    private final SessionStore sessions;
    private final ApiKeyStore apiKeys;
    private final CounterStore counters;
    private final LoginAttemptStore loginAttempts;
    private final DirectStore direct;
    private final Function<RateLimitAlgorithm, RateLimiter> limiterFactory;
    private final Map<RateLimitAlgorithm, RateLimiter> limiters = new EnumMap<>(RateLimitAlgorithm.class);
    private final RedisConnector redis;
    private final RevocationFeed feed;

    private Stores(
            RevocationStore revocations,
            VerifiedTokenStore verifiedTokens,
            UserStore users,
            SessionStore sessions,
            ApiKeyStore apiKeys,
            CounterStore counters,
            LoginAttemptStore loginAttempts,
            DirectStore direct,
            Function<RateLimitAlgorithm, RateLimiter> limiterFactory,
            RedisConnector redis,
            RevocationFeed feed) {
        this.revocations = revocations;
        this.verifiedTokens = verifiedTokens;
        this.users = users;
        this.sessions = sessions;
        this.apiKeys = apiKeys;
        this.counters = counters;
        this.loginAttempts = loginAttempts;
        this.direct = direct;
        this.limiterFactory = limiterFactory;
        this.redis = redis;
        this.feed = feed;
    }

    /**
     * As {@link #create(GatewayConfig, Clock, MeterRegistry)}, its Redis meters recorded nowhere, for tools and
     * tests: its revocation mirror (if on) starts reading only when it first checks a token, so a process that
     * only revokes never loads one (its revocations still wait for every node's mirror).
     */
    public static Stores create(GatewayConfig config, Clock clock) {
        return create(config, clock, new CompositeMeterRegistry(), false);
    }

    /**
     * Builds the stores; with Redis configured, connects in the background (never blocks or fails here).
     *
     * @param meters where the Redis connection's meters go (command latency, failures, breaker state)
     */
    public static Stores create(GatewayConfig config, Clock clock, MeterRegistry meters) {
        return create(config, clock, meters, true);
    }

    /** @param loadMirror start the revocation mirror now (a gateway node), not at the first check */
    private static Stores create(GatewayConfig config, Clock clock, MeterRegistry meters, boolean loadMirror) {
        AuthConfig auth = config.auth();
        Duration retention = revocationRetention(auth);
        SessionPolicy sessionPolicy = new SessionPolicy(auth.idleTimeout(), auth.refreshGrace());
        if (!config.redis().enabled()) {
            return inMemory(clock, retention, sessionPolicy, auth.tokenCache().size());
        }
        RedisConnector redis = RedisConnector.start(config.redis(), clock, meters);
        RedisKeys keys = new RedisKeys(config.redis().keyPrefix());
        boolean failOpen = config.redis().rateLimitOnFailure() == RedisConfig.FailurePolicy.ALLOW;
        UserStore users = auth.users() == AuthConfig.UserSource.REDIS
                ? new RedisUserStore(redis, keys)
                : new InMemoryUserStore(InMemoryUserStore.DEFAULT_MAXIMUM_USERS);
        // The revocation check and the API-key lookup count the request's rate limit in their own round trip,
        // with the algorithm the rate-limit stage's limiter uses (see CheckThenCount).
        CheckThenCount counting =
                new CheckThenCount(redis, keys, config.rateLimits().algorithm());
        RevocationFeed feed = revocationFeed(config, redis, keys, clock, meters);
        if (feed != null && loadMirror) {
            feed.start();
        }
        return new Stores(
                new RedisRevocationStore(redis, keys, clock, retention, counting, feed),
                new RedisVerifiedTokenStore(redis, keys, clock, VERIFIED_TOKEN_MAXIMUM_TTL),
                users,
                new RedisSessionStore(redis, keys, clock, sessionPolicy),
                new RedisApiKeyStore(redis, keys, counting, RedisApiKeyStore.DEFAULT_MAXIMUM_REMEMBERED),
                new RedisCounterStore(
                        redis,
                        keys,
                        failOpen
                                ? new InMemoryCounterStore(clock, InMemoryCounterStore.DEFAULT_MAXIMUM_COUNTERS)
                                : null),
                new RedisLoginAttemptStore(
                        redis,
                        keys,
                        clock,
                        failOpen
                                ? new InMemoryLoginAttemptStore(
                                        clock, InMemoryLoginAttemptStore.DEFAULT_MAXIMUM_COUNTERS)
                                : null),
                new RedisDirectStore(redis),
                algorithm -> new RedisRateLimiter(
                        redis,
                        keys,
                        algorithm,
                        failOpen
                                ? new InMemoryRateLimiter(algorithm, clock, InMemoryRateLimiter.DEFAULT_MAXIMUM_BUCKETS)
                                : null),
                redis,
                feed);
    }

    /**
     * The revocation mirror's feed with {@code revocation.mirror: true}, not started yet; null without it and in Redis
     * Cluster, where the stream and a subject's revocation keys are on different slots, so no one script can
     * write both (the checks then always go to Redis).
     */
    private static RevocationFeed revocationFeed(
            GatewayConfig config, RedisConnector redis, RedisKeys keys, Clock clock, MeterRegistry meters) {
        if (!config.revocation().mirror()) {
            return null;
        }
        if (redis.mode() == RedisConnector.Mode.CLUSTER) {
            LoggerFactory.getLogger(Stores.class)
                    .info("revocation.mirror is not used with Redis Cluster: "
                            + "every revocation check goes to Redis");
            return null;
        }
        RevocationMirror mirror = new RevocationMirror(
                clock,
                InMemoryRevocationStore.DEFAULT_MAXIMUM_ENTRIES,
                () -> redis.answeredWithin(RevocationFeed.HEARTBEAT_BOUND));
        return new RevocationFeed(redis, keys, mirror, nodeId(), meters);
    }

    /** Unique per process and start; no host name lookup (it may wait on DNS). */
    private static String nodeId() {
        return ProcessHandle.current().pid() + "/" + UUID.randomUUID();
    }

    /** In-process stores only, for one node (and for tests). */
    public static Stores inMemory(
            Clock clock, Duration revocationRetention, SessionPolicy sessionPolicy, long verifiedTokenEntries) {
        return new Stores(
                new InMemoryRevocationStore(
                        clock, revocationRetention, InMemoryRevocationStore.DEFAULT_MAXIMUM_ENTRIES),
                new InMemoryVerifiedTokenStore(clock, VERIFIED_TOKEN_MAXIMUM_TTL, Math.max(1, verifiedTokenEntries)),
                new InMemoryUserStore(InMemoryUserStore.DEFAULT_MAXIMUM_USERS),
                new InMemorySessionStore(clock, sessionPolicy, InMemorySessionStore.DEFAULT_MAXIMUM_SESSIONS),
                new InMemoryApiKeyStore(InMemoryApiKeyStore.DEFAULT_MAXIMUM_KEYS, clock),
                new InMemoryCounterStore(clock, InMemoryCounterStore.DEFAULT_MAXIMUM_COUNTERS),
                new InMemoryLoginAttemptStore(clock, InMemoryLoginAttemptStore.DEFAULT_MAXIMUM_COUNTERS),
                new InMemoryDirectStore(InMemoryDirectStore.DEFAULT_MAXIMUM_KEYS),
                algorithm -> new InMemoryRateLimiter(algorithm, clock, InMemoryRateLimiter.DEFAULT_MAXIMUM_BUCKETS),
                null,
                null);
    }

    /** How long a subject's not-before mark must outlive its moment: the longest token lifetime plus leeway. */
    static Duration revocationRetention(AuthConfig auth) {
        Duration longest = auth.accessTtl().compareTo(auth.refreshTtl()) >= 0 ? auth.accessTtl() : auth.refreshTtl();
        return longest.plus(auth.leeway());
    }

    public RevocationStore revocations() {
        return revocations;
    }

    public VerifiedTokenStore verifiedTokens() {
        return verifiedTokens;
    }

    public UserStore users() {
        return users;
    }

    public SessionStore sessions() {
        return sessions;
    }

    public ApiKeyStore apiKeys() {
        return apiKeys;
    }

    public CounterStore counters() {
        return counters;
    }

    /** Login attempts, counted before the password is checked. */
    public LoginAttemptStore loginAttempts() {
        return loginAttempts;
    }

    /** The application data of direct routes (keys used as written, without the key prefix). */
    public DirectStore direct() {
        return direct;
    }

    /** The limiter for a configured algorithm, made once per algorithm. */
    public synchronized RateLimiter rateLimiter(RateLimitsConfig.Algorithm algorithm) {
        return limiters.computeIfAbsent(RateLimitAlgorithm.of(algorithm), limiterFactory);
    }

    /** The stores the auth service works on, its rate limiter counting with {@code algorithm}. */
    public AuthStores auth(RateLimitsConfig.Algorithm algorithm) {
        return new AuthStores(users(), sessions(), revocations(), loginAttempts(), apiKeys(), rateLimiter(algorithm));
    }

    /** Whether state is shared through Redis (false: this process only). */
    public boolean shared() {
        return redis != null;
    }

    /** The state of Redis for {@code /health/ready}; always ready in memory. */
    public StoreHealth health() {
        return redis == null
                ? new StoreHealth(true, Map.of("status", "not-configured", "state", "in-memory"))
                : redis.health();
    }

    @Override
    public void close() {
        if (feed != null) {
            feed.close();
        }
        if (redis != null) {
            redis.close();
        }
    }
}
