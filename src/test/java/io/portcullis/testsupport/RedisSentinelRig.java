package io.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real Sentinel deployment on loopback: one primary, one replica and three Sentinels (quorum 2) watching
 * them as {@value #NAME}, each a {@code redis-server} process on a free port. A primary that stops answering
 * is failed over after {@value #DOWN_AFTER_MS} ms plus an election. {@link #close} stops every process by PID.
 * Started with {@link RedisTls}, every process also listens on a TLS port that requires a client certificate,
 * replication and the Sentinels' own connections go over TLS (so the Sentinels name the primary by its TLS
 * port), and {@link #uri} is a {@code rediss-sentinel://} URI of the Sentinels' TLS ports; the plain ports
 * stay for the rig's own commands. Not thread-safe: one test thread drives it.
 */
public final class RedisSentinelRig implements AutoCloseable {
    public static final String NAME = "portcullis";
    public static final int DOWN_AFTER_MS = 1000;
    private static final long READY_TIMEOUT_MS = 30_000;

    private final List<RedisProcess> servers = new ArrayList<>();
    private final List<RedisProcess> sentinels = new ArrayList<>();
    /** With TLS: the TLS port of each process (servers and Sentinels). */
    private final Map<RedisProcess, Integer> tlsPorts = new HashMap<>();

    private final RedisTls tls;

    private RedisSentinelRig(RedisTls tls) {
        this.tls = tls;
    }

    /** Starts the five processes and waits until every Sentinel knows the replica and the other Sentinels. */
    public static RedisSentinelRig start() {
        return start(null);
    }

    /** The same with TLS ({@code tls} not null) between every process and for clients. */
    public static RedisSentinelRig start(RedisTls tls) {
        RedisSentinelRig rig = new RedisSentinelRig(tls);
        try {
            int primaryTls = tls == null ? 0 : RedisProcess.freePort();
            RedisProcess primary = RedisProcess.startWith(tls == null ? List.of() : tls.serverArguments(primaryTls));
            rig.tlsPorts.put(primary, primaryTls);
            rig.servers.add(primary);
            // Through TLS, the primary (and the Sentinels' view of it) is its TLS port.
            int primaryPort = tls == null ? primary.port() : primaryTls;
            List<String> replica = new ArrayList<>(List.of("--replicaof", "127.0.0.1", Integer.toString(primaryPort)));
            int replicaTls = tls == null ? 0 : RedisProcess.freePort();
            if (tls != null) {
                replica.addAll(tls.serverArguments(replicaTls));
            }
            RedisProcess second = RedisProcess.startWith(replica);
            rig.tlsPorts.put(second, replicaTls);
            rig.servers.add(second);
            for (int i = 0; i < 3; i++) {
                List<String> lines = new ArrayList<>(List.of(
                        "sentinel monitor " + NAME + " 127.0.0.1 " + primaryPort + " 2",
                        "sentinel down-after-milliseconds " + NAME + " " + DOWN_AFTER_MS,
                        "sentinel failover-timeout " + NAME + " 10000",
                        "sentinel parallel-syncs " + NAME + " 1"));
                int sentinelTls = tls == null ? 0 : RedisProcess.freePort();
                if (tls != null) {
                    lines.addAll(tls.sentinelLines(sentinelTls));
                }
                RedisProcess sentinel = RedisProcess.startSentinel(lines);
                rig.tlsPorts.put(sentinel, sentinelTls);
                rig.sentinels.add(sentinel);
            }
            rig.awaitHealthy(1);
            return rig;
        } catch (IOException e) {
            rig.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            rig.close();
            throw e;
        }
    }

    /**
     * {@code redis-sentinel://} (with TLS {@code rediss-sentinel://}) with the three Sentinels and the primary's
     * name.
     */
    public String uri() {
        StringBuilder uri = new StringBuilder(tls == null ? "redis-sentinel://" : "rediss-sentinel://");
        for (int i = 0; i < sentinels.size(); i++) {
            uri.append(i == 0 ? "" : ",").append("127.0.0.1:").append(clientPort(sentinels.get(i)));
        }
        return uri.append("#").append(NAME).toString();
    }

    /** The port clients use for {@code process}: its TLS port with TLS, else its only one. */
    public int clientPort(RedisProcess process) {
        return tls == null ? process.port() : tlsPorts.get(process);
    }

    /** Waits (bounded) until a running Sentinel reports the primary up with {@code replicas} replicas and 3 Sentinels. */
    public void awaitHealthy(int replicas) {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (true) {
            try {
                boolean ok = true;
                for (RedisProcess sentinel : sentinels) {
                    String info = sentinel.command("INFO", "sentinel");
                    if (!info.contains("status=ok")
                            || !info.contains("slaves=" + replicas)
                            || !info.contains("sentinels=3")) {
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
        return servers.stream().filter(s -> clientPort(s) == port).findFirst().orElseThrow();
    }

    public List<RedisProcess> servers() {
        return List.copyOf(servers);
    }

    /** Deletes every key (on the primary; the replica follows). */
    public void flushAll() {
        try {
            primary().command("FLUSHALL");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
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
