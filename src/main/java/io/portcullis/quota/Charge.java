package io.portcullis.quota;

import java.util.Objects;

/**
 * One request to count: in which caller's bucket, under which policy, against which quota.
 *
 * @param bucket the caller: {@code k:<API key id>}, {@code u:<JWT sub>} or {@code a:<client address>}
 * @param policy the route id for a route with its own limit, else {@code default} or {@code anonymous}
 * @param quota the policy's limit and window
 */
public record Charge(String bucket, String policy, Quota quota) {

    public Charge {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(policy, "policy");
        Objects.requireNonNull(quota, "quota");
    }
}
