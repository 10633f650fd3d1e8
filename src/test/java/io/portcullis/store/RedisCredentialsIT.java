package io.portcullis.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.config.RedisConfig;
import io.portcullis.config.Secret;
import io.portcullis.testsupport.RedisProcess;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code redis.password-env} / {@code redis.password-file}: the password reaches a real server that asks for one. */
class RedisCredentialsIT {
    private static RedisProcess redis;

    @BeforeAll
    static void start() throws Exception {
        redis = RedisProcess.startWith(List.of());
        redis.command("CONFIG", "SET", "requirepass", "s3cret-pw");
    }

    @AfterAll
    static void stop() {
        redis.kill();
    }

    private static RedisConnector connect(Optional<Secret> password) {
        return RedisConnector.start(
                new RedisConfig(
                        Optional.of(URI.create(redis.uri())),
                        RedisTesting.PREFIX,
                        RedisTesting.TIMEOUT,
                        RedisConfig.FailurePolicy.ALLOW,
                        RedisConfig.FailurePolicy.DENY,
                        password,
                        Optional.empty(),
                        0),
                Clock.systemUTC(),
                CircuitBreaker.DEFAULT_FAILURE_THRESHOLD,
                new SimpleMeterRegistry());
    }

    @Test
    void connectWhenPasswordConfiguredApartFromTheUriThenUsable() {
        try (RedisConnector connector = connect(Optional.of(Secret.of("s3cret-pw")))) {
            RedisTesting.awaitUp(connector, Duration.ofSeconds(10));
            assertEquals("PONG", connector.<String>call(c -> c.ping()).join());
        }
    }

    @Test
    void connectWhenNoPasswordThenNeverUp() {
        try (RedisConnector connector = connect(Optional.empty())) {
            RedisTesting.pause(1500);
            assertFalse(connector.breaker().allowsCalls(), connector.health().toString());
        }
    }
}
