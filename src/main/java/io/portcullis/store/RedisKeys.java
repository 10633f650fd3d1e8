package io.portcullis.store;

/**
 * Every Redis key the stores use, under {@code redis.key-prefix}, as listed in {@code redis/README.md}. Keys
 * that one script touches together share a Cluster hash tag: {@code {u:<user id>}} groups a subject's
 * revocation keys (and its session and API-key indexes); a rate-limit bucket is its own tag, so a bucket
 * named {@code u:<sub>} lands on the slot of that subject's revocation keys. Immutable.
 */
final class RedisKeys {
    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    String revokedToken(String subject, String jti) {
        return prefix + "rv:{u:" + subject + "}:j:" + jti;
    }

    String revokedSession(String subject, String sid) {
        return prefix + "rv:{u:" + subject + "}:s:" + sid;
    }

    String subjectNotBefore(String subject) {
        return prefix + "rv:{u:" + subject + "}:nbf";
    }

    /** Every revocation key matches {@code <prefix>rv:*} (a SCAN pattern: the prefix's glob characters escaped). */
    String revocationPattern() {
        return prefix.replaceAll("([*?\\[\\]\\\\])", "\\\\$1") + "rv:*";
    }

    /** The revocation stream every node's mirror reads; its own hash tag (one Cluster slot). */
    String revocationEvents() {
        return prefix + "rv-events:{rv}";
    }

    /** The nodes whose mirrors a revocation waits for: node id to the last stream id it applied. */
    String revocationNodes() {
        return prefix + "rv-nodes:{rv}";
    }

    String verifiedToken(String tokenHash) {
        return prefix + "vt:" + tokenHash;
    }

    String user(String username) {
        return prefix + "user:{n:" + username + "}";
    }

    String userId(String id) {
        return prefix + "user-id:" + id;
    }

    /** Every username, in a sorted set of score 0 (listed in byte order with {@code ZRANGEBYLEX}). */
    String usernames() {
        return prefix + "usernames";
    }

    /** The ids of the enabled users holding the admin role: the last one cannot lose it. */
    String admins() {
        return prefix + "admins";
    }

    String session(String sid) {
        return prefix + "session:{s:" + sid + "}";
    }

    String userSessions(String userId) {
        return prefix + "sessions:{u:" + userId + "}";
    }

    String apiKey(String sha256) {
        return prefix + "apikey:" + sha256;
    }

    /**
     * The hot-path copy of an issued key's id and scopes, under the tag of the key's rate-limit bucket
     * ({@code {k:<id>}}), so that its check and its count are one script on one Cluster slot.
     */
    String apiKeyLive(String id) {
        return prefix + "apikey:{k:" + id + "}";
    }

    String ownerApiKeys(String ownerId) {
        return prefix + "apikeys:{u:" + ownerId + "}";
    }

    /** The policy comes last, after fixed-format parts, so no two (bucket, policy) pairs share a key. */
    String rateLimit(String bucket, String policy, RateLimitAlgorithm algorithm, long windowMillis) {
        String key = prefix + "rl:{" + bucket + "}:" + algorithm.keyTag() + ":" + windowMillis;
        return policy.isEmpty() ? key : key + ":" + policy;
    }

    /** A login attempt counter; {@code key} carries its group's hash tag. */
    String loginAttempts(String key) {
        return prefix + "login:" + key;
    }

    String counter(String key) {
        return prefix + "cnt:" + key;
    }
}
