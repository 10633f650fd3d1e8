package io.portcullis.bench;

import io.portcullis.config.ConfigLoader;
import io.portcullis.config.GatewayConfig;
import io.portcullis.jwt.RevocationQuery;
import io.portcullis.jwt.RevocationStatus;
import io.portcullis.jwt.RevocationStore;
import io.portcullis.store.Stores;
import io.portcullis.testsupport.RedisProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The JWT stage's revocation check against a real redis-server on loopback (started by the benchmark), as a
 * request thread sees it: {@code revocation.mirror: false} (one EVALSHA per check, the request thread waiting
 * for the reply) against {@code true} (the node's mirror, no round trip). Needs {@code redis-server} on the
 * PATH. Run with {@code mvn -Pbench -DskipTests test-compile exec:exec -Djmh.args="RevocationStageBench"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RevocationStageBench {
    @Param({"false", "true"})
    public boolean mirror;

    private RedisProcess redis;
    private Stores stores;
    private RevocationStore revocations;
    private RevocationQuery active;
    private RevocationQuery revoked;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        redis = RedisProcess.start();
        Path config = Files.createTempFile("revocation-bench", ".yaml");
        Files.writeString(config, """
                redis: { uri: "redis://127.0.0.1:%d", timeout: 1s }
                revocation: { mirror: %s }
                auth:
                  algorithm: HS256
                  signing-keys: [ { kid: bench, secret: "bench-only-0123456789abcdef0123456789" } ]
                routes: [ { prefix: /x, upstream: "http://127.0.0.1:9" } ]
                """.formatted(redis.port(), mirror));
        GatewayConfig gateway = new ConfigLoader().load(config);
        stores = Stores.create(gateway, Clock.systemUTC());
        revocations = stores.revocations();
        Instant issued = Instant.now().minusSeconds(60);
        active = new RevocationQuery("user-1", Optional.of("jti-active"), Optional.of("sid-1"), issued);
        revoked = new RevocationQuery("user-2", Optional.of("jti-revoked"), Optional.of("sid-2"), issued);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                revocations
                        .revokeToken("user-2", "jti-revoked", Instant.now().plusSeconds(3600))
                        .toCompletableFuture()
                        .get(5, TimeUnit.SECONDS);
                break;
            } catch (Exception e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
        // Until the mirror (when on) answers: a second of checks, then the result must be right.
        Thread.sleep(2000);
        if (check(revoked) != RevocationStatus.REVOKED_TOKEN || check(active) != RevocationStatus.ACTIVE) {
            throw new IllegalStateException("the revocation store does not answer as it should");
        }
    }

    private RevocationStatus check(RevocationQuery query) throws Exception {
        return revocations.check(query).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        stores.close();
        redis.close();
    }

    @Benchmark
    public RevocationStatus checkActiveToken() throws Exception {
        return check(active);
    }

    @Benchmark
    public RevocationStatus checkRevokedToken() throws Exception {
        return check(revoked);
    }
}
