package io.portcullis.bench;

import io.portcullis.apikey.ApiKey;
import io.portcullis.apikey.ApiKeyVerifier;
import io.portcullis.apikey.KeyCheck;
import io.portcullis.config.ApiKeysConfig;
import io.portcullis.store.InMemoryApiKeyStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost per request of the API-key stage's lookup on this JDK: SHA-256 of the presented key, the constant-time
 * comparison with every static key of the configuration (ten here), then the store lookup by hash. The store
 * is the in-memory one; with Redis the lookup adds one round trip, which the load kit measures. Run with
 * {@code mvn -Pbench -DskipTests test-compile exec:exec -Djmh.args="ApiKeyStageBench"}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ApiKeyStageBench {
    private ApiKeyVerifier verifier;
    private final String staticKey = "pk_static_partner_7_3f9c2e1d8b7a6f5e4d3c2b1a";
    private final String issuedKey = "pk_issued_2b7e151628aed2a6abf7158809cf4f3c";
    private final String unknownKey = "pk_unknown_00000000000000000000000000000000";

    @Setup
    public void setUp() {
        List<ApiKeysConfig.StaticKey> statics = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String key = i == 7 ? staticKey : "pk_static_partner_" + i + "_unused";
            statics.add(
                    new ApiKeysConfig.StaticKey("partner-" + i, ApiKeyVerifier.sha256Hex(key), List.of("partner_api")));
        }
        InMemoryApiKeyStore store = new InMemoryApiKeyStore(InMemoryApiKeyStore.DEFAULT_MAXIMUM_KEYS);
        for (int i = 0; i < 1000; i++) {
            String key = i == 500 ? issuedKey : "pk_issued_filler_" + i;
            store.create(new ApiKey(
                            "key-" + i,
                            "user-" + i,
                            "bench",
                            ApiKeyVerifier.sha256Hex(key),
                            List.of("orders"),
                            Instant.EPOCH))
                    .toCompletableFuture()
                    .join();
        }
        verifier = new ApiKeyVerifier(statics, store);
        if (verifier.check(staticKey).outcome() != KeyCheck.Outcome.IDENTIFIED
                || verifier.check(issuedKey).outcome() != KeyCheck.Outcome.IDENTIFIED
                || verifier.check(unknownKey).outcome() != KeyCheck.Outcome.INVALID) {
            throw new IllegalStateException("the benchmark keys do not resolve as expected");
        }
    }

    @Benchmark
    public KeyCheck staticKey() {
        return verifier.check(staticKey);
    }

    @Benchmark
    public KeyCheck issuedKey() {
        return verifier.check(issuedKey);
    }

    @Benchmark
    public KeyCheck unknownKey() {
        return verifier.check(unknownKey);
    }
}
