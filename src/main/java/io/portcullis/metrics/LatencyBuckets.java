package io.portcullis.metrics;

import java.time.Duration;

/** The histogram buckets of the gateway's latency meters, fixed so every series has the same few buckets. */
public final class LatencyBuckets {
    /** Whole requests and upstream exchanges: 5 ms to 30 s. */
    public static final Duration[] REQUEST = {
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1),
        Duration.ofMillis(2500),
        Duration.ofSeconds(5),
        Duration.ofSeconds(10),
        Duration.ofSeconds(30)
    };

    private LatencyBuckets() {}
}
