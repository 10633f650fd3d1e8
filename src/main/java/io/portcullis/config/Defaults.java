package io.portcullis.config;

import io.portcullis.config.AuthConfig.Algorithm;
import io.portcullis.config.RateLimitsConfig.Limit;
import java.time.Duration;

/**
 * The value of every optional configuration key that is not given, in one place; {@link ConfigLoader} reads
 * them from here and {@code docs/} states them. (A few older defaults stay constants of their record:
 * {@link RedisConfig#DEFAULT_KEY_PREFIX}, {@link RedisConfig#DEFAULT_TIMEOUT}, {@link RouteConfig#DEFAULT_TIMEOUT},
 * {@link AuthConfig#DERIVED_CONCURRENT_HASHES}.) Constants only.
 */
public final class Defaults {
    /** {@code redis.revocation-replicas}: acknowledge a revocation without waiting for replicas. */
    public static final int REVOCATION_REPLICAS = 0;
    /** {@code redis.on-failure.rate-limit}. */
    public static final RedisConfig.FailurePolicy RATE_LIMIT_ON_FAILURE = RedisConfig.FailurePolicy.ALLOW;
    /** {@code redis.on-failure.revocation}. */
    public static final RedisConfig.FailurePolicy REVOCATION_ON_FAILURE = RedisConfig.FailurePolicy.DENY;

    /** {@code auth.path}. */
    public static final String AUTH_PATH = "/auth";
    /** {@code auth.issuer}. */
    public static final String ISSUER = "portcullis";
    /** {@code auth.audience}. */
    public static final String AUDIENCE = "api";
    /** {@code auth.algorithm}. */
    public static final Algorithm ALGORITHM = Algorithm.RS256;
    /** {@code auth.consumers[].algorithm}. */
    public static final Algorithm CONSUMER_ALGORITHM = Algorithm.HS256;
    /** {@code auth.access-ttl}. */
    public static final Duration ACCESS_TTL = Duration.ofMinutes(15);
    /** {@code auth.refresh-ttl}. */
    public static final Duration REFRESH_TTL = Duration.ofDays(7);
    /** {@code auth.idle-timeout}. */
    public static final Duration IDLE_TIMEOUT = Duration.ofHours(24);
    /** {@code auth.leeway}. */
    public static final Duration LEEWAY = Duration.ofSeconds(15);
    /** {@code auth.refresh-grace}. */
    public static final Duration REFRESH_GRACE = Duration.ofSeconds(30);
    /** {@code auth.token-cache.size}. */
    public static final int TOKEN_CACHE_SIZE = 100_000;
    /** {@code auth.registration}. */
    public static final boolean REGISTRATION = true;

    /** {@code api-keys.header}. */
    public static final String API_KEY_HEADER = "x-api-key";

    /** {@code rate-limits.enabled}. */
    public static final boolean RATE_LIMITS_ENABLED = true;
    /** {@code rate-limits.algorithm}. */
    public static final RateLimitsConfig.Algorithm RATE_LIMIT_ALGORITHM = RateLimitsConfig.Algorithm.SLIDING_WINDOW;
    /** {@code rate-limits.default}. */
    public static final Limit DEFAULT_LIMIT = new Limit(100, Duration.ofMinutes(1));
    /** {@code rate-limits.anonymous}. */
    public static final Limit ANONYMOUS_LIMIT = new Limit(20, Duration.ofMinutes(1));
    /** {@code routes[].rate-limit.window} when a route's limit gives none. */
    public static final Limit ROUTE_LIMIT_WINDOW = new Limit(1, Duration.ofMinutes(1));

    /** {@code waf.mode}. */
    public static final WafConfig.Mode WAF_MODE = WafConfig.Mode.BLOCK;
    /** {@code waf.paranoia}. */
    public static final int WAF_PARANOIA = 1;
    /** {@code waf.max-body}, bytes. */
    public static final long WAF_MAX_BODY = 1024L * 1024;
    /** {@code waf.max-header}, bytes. */
    public static final long WAF_MAX_HEADER = 16L * 1024;

    /** {@code logging.format}. */
    public static final GatewayConfig.LoggingConfig.Format LOG_FORMAT = GatewayConfig.LoggingConfig.Format.JSON;
    /** {@code logging.level}. */
    public static final String LOG_LEVEL = "info";

    private Defaults() {}
}
