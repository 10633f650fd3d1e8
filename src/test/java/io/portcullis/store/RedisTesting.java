package io.portcullis.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.portcullis.config.RedisConfig;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/** Builds connectors for tests against a real Redis and waits for them. */
final class RedisTesting {
    static final Duration TIMEOUT = Duration.ofMillis(500);
    static final String PREFIX = "test:";

    private RedisTesting() {}

    static RedisConnector connect(String uri, Clock clock) {
        return connect(uri, clock, TIMEOUT, CircuitBreaker.DEFAULT_FAILURE_THRESHOLD);
    }

    static RedisConnector connect(String uri, Clock clock, Duration timeout, int failureThreshold) {
        return connect(uri, clock, timeout, failureThreshold, new SimpleMeterRegistry());
    }

    static RedisConnector connect(
            String uri, Clock clock, Duration timeout, int failureThreshold, MeterRegistry meters) {
        return connect(uri, clock, timeout, failureThreshold, meters, 0);
    }

    /** @param revocationReplicas {@code redis.revocation-replicas} */
    static RedisConnector connect(
            String uri,
            Clock clock,
            Duration timeout,
            int failureThreshold,
            MeterRegistry meters,
            int revocationReplicas) {
        RedisConfig config = new RedisConfig(
                Optional.of(URI.create(uri)),
                PREFIX,
                timeout,
                RedisConfig.FailurePolicy.ALLOW,
                RedisConfig.FailurePolicy.DENY,
                Optional.empty(),
                Optional.empty(),
                revocationReplicas);
        RedisConnector connector = RedisConnector.start(config, clock, failureThreshold, meters);
        awaitUp(connector, Duration.ofSeconds(10));
        return connector;
    }

    /** Waits (bounded) until the breaker is closed. */
    static void awaitUp(RedisConnector connector, Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!connector.breaker().allowsCalls()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Redis did not become available within " + atMost + ": " + connector.health());
            }
            pause(20);
        }
    }

    static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
