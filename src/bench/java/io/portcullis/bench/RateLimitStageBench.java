package io.portcullis.bench;

import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.config.RateLimitsConfig;
import io.portcullis.quota.Decision;
import io.portcullis.quota.Quota;
import io.portcullis.ratelimit.RateLimiter;
import io.portcullis.store.Stores;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Cost per request of the rate-limit call on this JDK, per algorithm, with the in-process counters of a
 * single node (the gateway without Redis, and its fallback while Redis is unreachable). With Redis the call
 * is one script round trip, which the load kit measures. The quota is high enough that every call is
 * allowed, as on the hot path. Run with {@code mvn -Pbench -DskipTests test-compile exec:exec
 * -Djmh.args="RateLimitStageBench"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RateLimitStageBench {
    @Param({"FIXED_WINDOW", "SLIDING_WINDOW", "TOKEN_BUCKET"})
    public RateLimitsConfig.Algorithm algorithm;

    private Stores stores;
    private RateLimiter limiter;
    private final Quota quota = new Quota(1_000_000_000L, Duration.ofMinutes(1));

    @Setup
    public void setUp() {
        GatewayConfig config = new ConfigLoader().loadDemo();
        stores = Stores.create(config, Clock.systemUTC());
        limiter = stores.rateLimiter(algorithm);
        if (!acquire().allowed()) {
            throw new IllegalStateException("the benchmark quota refuses a request");
        }
    }

    @TearDown
    public void tearDown() {
        stores.close();
    }

    @Benchmark
    public Decision acquire() {
        return limiter.acquire("k:partner-a", quota).toCompletableFuture().join();
    }
}
