package io.portcullis.bench;

import io.portcullis.auth.TokenIssuer;
import io.portcullis.chain.Identity;
import io.portcullis.config.AuthConfig;
import io.portcullis.config.RedisConfig.FailurePolicy;
import io.portcullis.config.Secret;
import io.portcullis.jwt.JwtAuthenticator;
import io.portcullis.jwt.JwtDecision;
import io.portcullis.jwt.SigningKeys;
import io.portcullis.jwt.TokenCache;
import io.portcullis.jwt.TokenVerifier;
import io.portcullis.jwt.Verification;
import io.portcullis.store.InMemoryRevocationStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Cost per request of the JWT stage on this JDK: a verified-token cache hit (SHA-256 of the token and a
 * Caffeine lookup), the same plus an in-memory revocation check and the scope test, and a full verification
 * with each algorithm the gateway signs with. Run with {@code mvn -Pbench -DskipTests test-compile exec:exec}
 * (arguments in {@code -Djmh.args=...}); not part of {@code mvn verify}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class JwtStageBench {
    private final Clock clock = Clock.systemUTC();
    private TokenVerifier hs256;
    private TokenVerifier rs256;
    private TokenVerifier es256;
    private String hsToken;
    private String rsToken;
    private String esToken;
    private TokenCache cache;
    private JwtAuthenticator authenticator;

    @Setup
    public void setUp() throws Exception {
        hs256 = verifier(AuthConfig.Algorithm.HS256);
        rs256 = verifier(AuthConfig.Algorithm.RS256);
        es256 = verifier(AuthConfig.Algorithm.ES256);
        cache = new TokenCache(hs256, Optional.empty(), 10_000, clock);
        if (!(cache.verify(hsToken) instanceof Verification.Verified)) {
            throw new IllegalStateException("the benchmark token does not verify");
        }
        authenticator = new JwtAuthenticator(
                cache, new InMemoryRevocationStore(clock, Duration.ofDays(7), 10_000), FailurePolicy.DENY);
    }

    private TokenVerifier verifier(AuthConfig.Algorithm algorithm) throws Exception {
        Path dir = Files.createTempDirectory("jwt-bench");
        List<AuthConfig.SigningKeyConfig> keyConfigs = List.of(keyConfig(algorithm, dir));
        AuthConfig config = new AuthConfig(
                "/auth",
                "https://gw.example",
                "api",
                algorithm,
                keyConfigs,
                Duration.ofMinutes(15),
                Duration.ofDays(7),
                Duration.ofHours(24),
                Duration.ofSeconds(15),
                Duration.ofSeconds(30),
                new AuthConfig.TokenCacheConfig(10_000, false),
                AuthConfig.UserSource.MEMORY,
                true,
                List.of(),
                List.of());
        SigningKeys keys = SigningKeys.load(config, false, "bench");
        String token = new TokenIssuer(keys, config, clock)
                .issue("user-1", "s1", List.of("admin"), List.of("orders"))
                .token();
        switch (algorithm) {
            case HS256 -> hsToken = token;
            case RS256 -> rsToken = token;
            case ES256 -> esToken = token;
        }
        return new TokenVerifier(config, keys, clock);
    }

    private static AuthConfig.SigningKeyConfig keyConfig(AuthConfig.Algorithm algorithm, Path dir) throws Exception {
        if (algorithm == AuthConfig.Algorithm.HS256) {
            return new AuthConfig.SigningKeyConfig(
                    "k", Optional.empty(), Optional.of(Secret.of("bench-secret-bench-secret-bench-secret-0123")));
        }
        KeyPairGenerator generator =
                KeyPairGenerator.getInstance(algorithm == AuthConfig.Algorithm.RS256 ? "RSA" : "EC");
        if (algorithm == AuthConfig.Algorithm.RS256) {
            generator.initialize(2048);
        } else {
            generator.initialize(new ECGenParameterSpec("secp256r1"));
        }
        byte[] pkcs8 = generator.generateKeyPair().getPrivate().getEncoded();
        Path pem = dir.resolve("key.pem");
        try {
            Files.writeString(
                    pem,
                    "-----BEGIN PRIVATE KEY-----\n"
                            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pkcs8)
                            + "\n-----END PRIVATE KEY-----\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new AuthConfig.SigningKeyConfig("k", Optional.of(pem), Optional.empty());
    }

    @Benchmark
    public Verification cacheHit() {
        return cache.verify(hsToken);
    }

    @Benchmark
    public JwtDecision stageOnCacheHit() {
        return authenticator.authenticate(hsToken, List.of("orders"), Identity.ANONYMOUS);
    }

    @Benchmark
    public Verification verifyHs256() {
        return hs256.verify(hsToken);
    }

    @Benchmark
    public Verification verifyRs256() {
        return rs256.verify(rsToken);
    }

    @Benchmark
    public Verification verifyEs256() {
        return es256.verify(esToken);
    }
}
