package io.portcullis.testsupport;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Sentinel deployment on loopback: one primary, one replica and three Sentinels (quorum 2) watching
 * them as {@value #NAME}, each a {@code redis-server} process on a free port. A primary that stops answering
 * is failed over after {@value #DOWN_AFTER_MS} ms plus an election. {@link #close} stops every process by PID.
 * Not thread-safe: one test thread drives it.
 */
public final class RedisSentinelRig implements AutoCloseable {
    public static final String NAME = "portcullis";
    public static final int DOWN_AFTER_MS = 1000;
    private static final long READY_TIMEOUT_MS = 30_000;

    private final List<RedisProcess> servers = new ArrayList<>();
    private final List<RedisProcess> sentinels = new ArrayList<>();

    private RedisSentinelRig() {}

    /** Starts the five processes and waits until every Sentinel knows the replica and the other Sentinels. */
    public static RedisSentinelRig start() {
        RedisSentinelRig rig = new RedisSentinelRig();
        try {
            RedisProcess primary = RedisProcess.startWith(List.of());
            rig.servers.add(primary);
            rig.servers.add(RedisProcess.startWith(List.of("--replicaof", "127.0.0.1", Integer.toString(primary.port()))));
            for (int i = 0; i < 3; i++) {
                rig.sentinels.add(RedisProcess.startSentinel(List.of(
                        "sentinel monitor " + NAME + " 127.0.0.1 " + primary.port() + " 2",
                        "sentinel down-after-milliseconds " + NAME + " " + DOWN_AFTER_MS,
                        "sentinel failover-timeout " + NAME + " 10000",
                        "sentinel parallel-syncs " + NAME + " 1")));
            }
            rig.awaitHealthy(1);
            return rig;
        } catch (RuntimeException e) {
            rig.close();
            throw e;
        }
    }

    /** {@code redis-sentinel://} with the three Sentinels and the primary's name. */
    public String uri() {
        StringBuilder uri = new StringBuilder("redis-sentinel://");
        for (int i = 0; i < sentinels.size(); i++) {
            uri.append(i == 0 ? "" : ",").append("127.0.0.1:").append(sentinels.get(i).port());
        }
        return uri.append("#").append(NAME).toString();
    }

    /** Waits (bounded) until a running Sentinel reports the primary up with {@code replicas} replicas and 3 Sentinels. */
    public void awaitHealthy(int replicas) {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (true) {
            try {
                boolean ok = true;
                for (RedisProcess sentinel : sentinels) {
                    String info = sentinel.command("INFO", "sentinel");
                    if (!info.contains("status=ok") || !info.contains("slaves=" + replicas) || !info.contains("sentinels=3")) {
                        ok = false;
                    }
                }
                if (ok && primary().command("INFO", "replication").contains("state=online")) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the Sentinels did not agree on the primary within 30 s");
            }
            pause(50);
        }
    }

    /** The server the Sentinels currently name as primary. */
    public RedisProcess primary() throws IOException {
        String info = sentinels.get(0).command("INFO", "sentinel");
        int at = info.indexOf("address=127.0.0.1:") + "address=127.0.0.1:".length();
        int port = Integer.parseInt(info.substring(at, info.indexOf(',', at)));
        return servers.stream().filter(s -> s.port() == port).findFirst().orElseThrow();
    }

    public List<RedisProcess> servers() {
        return List.copyOf(servers);
    }

    /** Deletes every key (on the primary; the replica follows). */
    public void flushAll() {
        try {
            primary().command("FLUSHALL");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        sentinels.forEach(RedisProcess::kill);
        servers.forEach(RedisProcess::kill);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
