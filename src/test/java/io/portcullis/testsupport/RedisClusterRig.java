package io.portcullis.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real Redis Cluster on loopback: three primaries and three replicas ({@code redis-server} processes on
 * free ports, joined with {@code redis-cli --cluster create … --cluster-replicas 1}), for tests. Node timeout
 * 1 s, so a killed primary's replica takes over within a few seconds. {@link #close} stops every node by PID.
 * Started with {@link RedisTls}, every node also listens on a TLS port that requires a client certificate, the
 * nodes talk to each other over TLS (cluster bus and replication), and {@link #uri} is a {@code rediss-cluster://}
 * URI of TLS ports (a client connected over TLS is told the TLS ports of the other nodes); the plain ports stay
 * for the rig's own commands. Not thread-safe: one test thread drives it.
 */
public final class RedisClusterRig implements AutoCloseable {
    /** {@code cluster-node-timeout}: how long a silent primary takes to be failed over. */
    public static final int NODE_TIMEOUT_MS = 1000;

    private static final long READY_TIMEOUT_MS = 30_000;

    private final List<RedisProcess> nodes = new ArrayList<>();
    /** With TLS: each node's TLS port, in the order of {@link #nodes}. */
    private final List<Integer> tlsPorts = new ArrayList<>();

    private final RedisTls tls;

    private RedisClusterRig(RedisTls tls) {
        this.tls = tls;
    }

    /** Starts six nodes, creates the cluster and waits until every node reports {@code cluster_state:ok}. */
    public static RedisClusterRig start() {
        return start(null);
    }

    /**
     * The same with TLS ({@code tls} not null): clients, the cluster bus and replication over TLS with
     * {@code tls}'s certificates.
     */
    public static RedisClusterRig start(RedisTls tls) {
        RedisClusterRig rig = new RedisClusterRig(tls);
        try {
            for (int i = 0; i < 6; i++) {
                List<String> arguments = new ArrayList<>(List.of(
                        "--cluster-enabled",
                        "yes",
                        "--cluster-config-file",
                        "nodes.conf",
                        "--cluster-node-timeout",
                        Integer.toString(NODE_TIMEOUT_MS)));
                if (tls != null) {
                    int tlsPort = RedisProcess.freePort();
                    rig.tlsPorts.add(tlsPort);
                    arguments.addAll(tls.serverArguments(tlsPort));
                    arguments.addAll(List.of("--tls-cluster", "yes"));
                }
                rig.nodes.add(RedisProcess.startWith(arguments));
            }
            List<String> create = new ArrayList<>(List.of(cli(rig.nodes.get(0).binary())));
            if (tls != null) {
                create.addAll(tls.cliArguments());
            }
            create.addAll(List.of("--cluster", "create"));
            for (int i = 0; i < rig.nodes.size(); i++) {
                create.add("127.0.0.1:" + rig.clientPort(i));
            }
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Process process = new ProcessBuilder(create)
                    .redirectErrorStream(true)
                    .redirectOutput(
                            rig.nodes.get(0).dir().resolve("cluster-create.log").toFile())
                    .start();
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IllegalStateException("redis-cli --cluster create failed; see "
                        + rig.nodes.get(0).dir().resolve("cluster-create.log"));
            }
            rig.awaitHealthy();
            return rig;
        } catch (IOException | RuntimeException e) {
            rig.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            rig.close();
            throw new IllegalStateException(e);
        }
    }

    /** {@code redis-cluster://} (with TLS {@code rediss-cluster://}) with the three first nodes as seeds. */
    public String uri() {
        return (tls == null ? "redis" : "rediss") + "-cluster://127.0.0.1:" + clientPort(0) + ",127.0.0.1:"
                + clientPort(1) + ",127.0.0.1:" + clientPort(2);
    }

    /** The port a client of node {@code index} uses: its TLS port with TLS, else its only one. */
    private int clientPort(int index) {
        return tls == null ? nodes.get(index).port() : tlsPorts.get(index);
    }

    /** The TLS port of {@code node} (a node of this rig, started with TLS). */
    public int tlsPortOf(RedisProcess node) {
        int index = nodes.indexOf(node);
        if (tls == null || index < 0) {
            throw new IllegalArgumentException("not a node of this rig with TLS: " + node.port());
        }
        return tlsPorts.get(index);
    }

    public List<RedisProcess> nodes() {
        return List.copyOf(nodes);
    }

    /**
     * Waits (bounded) until every running node reports {@code cluster_state:ok}, three primaries answer and,
     * while all six run, each primary's replica is in sync.
     */
    public void awaitHealthy() {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (true) {
            try {
                boolean ok = true;
                for (RedisProcess node : nodes) {
                    if (node.running() && !node.command("CLUSTER", "INFO").contains("cluster_state:ok")) {
                        ok = false;
                    }
                }
                if (ok && primaries().size() == 3 && replicasOnline()) {
                    return;
                }
            } catch (IOException notYet) {
                // a node still starting or failing over
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the Redis Cluster did not become healthy within 30 s");
            }
            pause(50);
        }
    }

    /** Whether every primary has a replica that finished its initial sync (WAIT counts only those). */
    private boolean replicasOnline() throws IOException {
        int running = (int) nodes.stream().filter(RedisProcess::running).count();
        if (running < nodes.size()) {
            return true; // after a kill: the promoted replica has none until the old primary returns
        }
        for (RedisProcess primary : primaries()) {
            if (!primary.command("INFO", "replication").contains("state=online")) {
                return false;
            }
        }
        return true;
    }

    /** The running nodes that are primaries. */
    public List<RedisProcess> primaries() throws IOException {
        List<RedisProcess> result = new ArrayList<>();
        for (RedisProcess node : nodes) {
            if (node.running() && node.command("INFO", "replication").contains("role:master")) {
                result.add(node);
            }
        }
        return result;
    }

    /** The running primary that serves {@code key}'s slot, as a running node sees the cluster. */
    public RedisProcess primaryOf(String key) throws IOException {
        RedisProcess any =
                nodes.stream().filter(RedisProcess::running).findFirst().orElseThrow();
        int slot = Integer.parseInt(any.command("CLUSTER", "KEYSLOT", key));
        for (String line : any.command("CLUSTER", "NODES").split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
                continue;
            }
            int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
            for (int i = 8; i < fields.length; i++) {
                String[] range = fields[i].split("-");
                int from = Integer.parseInt(range[0]);
                int to = range.length > 1 ? Integer.parseInt(range[1]) : from;
                if (slot >= from && slot <= to) {
                    Optional<RedisProcess> owner =
                            nodes.stream().filter(n -> n.port() == port).findFirst();
                    return owner.orElseThrow();
                }
            }
        }
        throw new IllegalStateException("no primary serves the slot of " + key);
    }

    /** Deletes every key on every primary. */
    public void flushAll() {
        try {
            for (RedisProcess primary : primaries()) {
                primary.command("FLUSHALL");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisProcess::kill);
    }

    static String cli(String serverBinary) {
        java.io.File sibling = new java.io.File(new java.io.File(serverBinary).getParentFile(), "redis-cli");
        return sibling.canExecute() ? sibling.getAbsolutePath() : "redis-cli";
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
