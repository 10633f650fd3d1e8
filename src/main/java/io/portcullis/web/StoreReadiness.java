package io.portcullis.web;

import io.portcullis.store.StoreHealth;
import io.portcullis.store.Stores;

/**
 * Reports Redis in {@code /health/ready}: unready (503) while it is configured and unreachable, with its
 * state and topology (Cluster state and reachable primaries, or the primary the Sentinels name);
 * {@code not-configured} (ready) when state lives in memory. Reads what the store's background probe last
 * saw, never calls Redis itself. Thread-safe.
 */
final class StoreReadiness implements ReadinessCheck {
    private final Stores stores;

    StoreReadiness(Stores stores) {
        this.stores = stores;
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public Result check() {
        StoreHealth health = stores.health();
        return new Result(health.ready(), health.details());
    }
}
