package io.portcullis.store;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.ReadFrom;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.event.AskRedirectionEvent;
import io.lettuce.core.cluster.event.ClusterTopologyChangedEvent;
import io.lettuce.core.cluster.event.MovedRedirectionEvent;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.event.connection.ReconnectAttemptEvent;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.sentinel.api.StatefulRedisSentinelConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.portcullis.chain.StoreUnavailableException;
import io.portcullis.config.RedisConfig;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one shared Lettuce connection (standalone, Sentinel or Cluster), used asynchronously by every store so
 * that concurrent requests pipeline on it, behind a {@link CircuitBreaker}. Connects in the background: the
 * gateway starts while Redis is down, the breaker stays open until a connection works, and a background
 * probe (connect, or PING) closes it again after an outage. Every call is bounded by {@code redis.timeout}
 * and fails with {@link StoreUnavailableException}; while the breaker is open calls fail at once without
 * touching the network. Scripts are loaded with SCRIPT LOAD on each (re)connection and called with EVALSHA;
 * a NOSCRIPT reply (Redis restarted, SCRIPT FLUSH) reloads the script and retries once. Meters: command
 * latency by outcome ({@code portcullis.redis.command.duration}), failures by reason
 * ({@code portcullis.redis.command.failures}: circuit-open, timeout, connection, error-reply) and the
 * breaker's state ({@code portcullis.redis.breaker.open}, 1 while open; in Cluster
 * {@code portcullis.redis.breaker.open.primaries}, the primaries whose own breaker is open), and topology events
 * ({@code portcullis.redis.events}: moved, ask, topology-change, reconnect-attempt, primary-change). In Cluster
 * a call on a key goes through the breaker of the primary serving the key's slot ({@link ShardBreakers}), so a
 * dead primary refuses its own slots only; the slot map is refreshed periodically, on MOVED/ASK and while a
 * primary's breaker is open, and reads go to primaries; through Sentinel the
 * primary is looked up again on each reconnection. The probe also records, for readiness, the Cluster state
 * and reachable primaries or the Sentinels' primary. Revocation writes may wait for replicas
 * ({@link #callDurably}) on a connection of their own. Thread-safe.
 */
final class RedisConnector implements AutoCloseable {
    /** How often the background probe runs while the breaker is open. */
    static final Duration PROBE_INTERVAL = Duration.ofMillis(500);
    /** The longest connect attempt; a probe never takes longer. */
    static final Duration MINIMUM_CONNECT_TIMEOUT = Duration.ofSeconds(1);
    /** Lettuce's own reconnection delays after a lost connection. */
    static final Duration RECONNECT_DELAY_MIN = Duration.ofMillis(50);

    static final Duration RECONNECT_DELAY_MAX = Duration.ofSeconds(1);

    /** Cluster: the slot map is re-read this often, and at most this often after a MOVED/ASK or a lost node. */
    static final Duration PERIODIC_REFRESH = Duration.ofSeconds(30);

    static final Duration ADAPTIVE_REFRESH_TIMEOUT = Duration.ofMillis(500);

    /** Latency buckets of Redis commands: a healthy command takes well under a millisecond. */
    static final Duration[] LATENCY_BUCKETS = {
        Duration.ofMillis(1),
        Duration.ofMillis(2),
        Duration.ofMillis(5),
        Duration.ofMillis(10),
        Duration.ofMillis(25),
        Duration.ofMillis(50),
        Duration.ofMillis(100),
        Duration.ofMillis(250),
        Duration.ofMillis(500),
        Duration.ofSeconds(1)
    };

    private static final Logger LOG = LoggerFactory.getLogger(RedisConnector.class);

    private final Mode mode;
    private final String address;
    private final Duration timeout;
    private final CircuitBreaker breaker;
    /** Cluster: a breaker per primary, for calls on a key; {@link #breaker} is for calls on no key. */
    private final ShardBreakers shardBreakers;

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisClusterClient clusterClient;
    private final List<RedisURI> uris;
    private final ScheduledExecutorService prober;
    private final AtomicLong scriptLoads = new AtomicLong();
    private final Timer succeeded;
    private final Timer failed;
    private final Counter circuitOpen;
    private final Counter timedOut;
    private final Counter connectionFailed;
    private final Counter errorReplies;
    private volatile StatefulConnection<String, String> connection;
    private volatile RedisClusterAsyncCommands<String, String> commands;
    private final Counter moved;
    private final Counter asked;
    private final Counter reconnects;
    private final Counter topologyChanges;
    private final Counter primaryChanges;
    private final String sentinelPrimaryName;
    private volatile StatefulRedisSentinelConnection<String, String> sentinel;
    private final int durableReplicas;
    /** A connection of its own for writes followed by WAIT, which holds up every later command on it. */
    private StatefulConnection<String, String> durable;
    /** What the probe last saw of the topology, for /health/ready (never read from Redis by the check). */
    private volatile Map<String, Object> topology = Map.of();

    private volatile String sentinelPrimary;
    private volatile boolean warnedAtStart;
    private volatile boolean closed;
    /** System.nanoTime() when the last PING (or connect) that Redis answered was sent; 0 before any. */
    private volatile long lastAnsweredAt;
    /** Dedicated connections ({@link #connectDedicated}): no command timeout, no reconnection of their own. */
    private RedisClient dedicatedClient;

    private final ClientOptions dedicatedOptions;

    /** How the URI reaches Redis. */
    enum Mode {
        STANDALONE,
        SENTINEL,
        CLUSTER
    }

    private RedisConnector(RedisConfig config, Clock clock, int failureThreshold, MeterRegistry meters) {
        URI uri = config.uri().orElseThrow(() -> new IllegalArgumentException("redis.uri is not set"));
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        this.mode = scheme.endsWith("-cluster")
                ? Mode.CLUSTER
                : scheme.endsWith("-sentinel") ? Mode.SENTINEL : Mode.STANDALONE;
        this.timeout = config.timeout();
        this.durableReplicas = config.revocationReplicas();
        this.uris = redisUris(
                uri,
                mode,
                timeout,
                config.password().map(p -> new String(p.bytes(), StandardCharsets.UTF_8).toCharArray()));
        this.sentinelPrimaryName = mode == Mode.SENTINEL ? uris.get(0).getSentinelMasterId() : null;
        this.address = scheme + "://" + hosts(uri); // never the password
        this.breaker = new CircuitBreaker("Redis " + address, failureThreshold, clock, true);
        this.shardBreakers = new ShardBreakers(
                () -> connection instanceof StatefulRedisClusterConnection<String, String> cluster
                        ? cluster.getPartitions()
                        : null,
                breaker,
                failureThreshold,
                clock);
        this.succeeded = commandTimer(meters, "success");
        this.failed = commandTimer(meters, "failure");
        this.circuitOpen = failureCounter(meters, "circuit-open");
        this.timedOut = failureCounter(meters, "timeout");
        this.connectionFailed = failureCounter(meters, "connection");
        this.errorReplies = failureCounter(meters, "error-reply");
        this.moved = eventCounter(meters, "moved");
        this.asked = eventCounter(meters, "ask");
        this.reconnects = eventCounter(meters, "reconnect-attempt");
        this.topologyChanges = eventCounter(meters, "topology-change");
        this.primaryChanges = eventCounter(meters, "primary-change");
        Gauge.builder("portcullis.redis.breaker.open", breaker, b -> b.allowsCalls() ? 0 : 1)
                .description("1 while the Redis circuit breaker is open (calls fail fast), else 0")
                .register(meters);
        Gauge.builder(
                        "portcullis.redis.breaker.open.primaries",
                        shardBreakers,
                        s -> s.open().size())
                .description("Redis Cluster: primaries whose own circuit breaker is open (their slots fail fast)")
                .register(meters);
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(RECONNECT_DELAY_MIN, RECONNECT_DELAY_MAX, 2, TimeUnit.MILLISECONDS))
                .build();
        Duration connectTimeout = timeout.compareTo(MINIMUM_CONNECT_TIMEOUT) > 0 ? timeout : MINIMUM_CONNECT_TIMEOUT;
        resources.eventBus().get().subscribe(event -> {
            if (event instanceof MovedRedirectionEvent) {
                moved.increment();
            } else if (event instanceof AskRedirectionEvent) {
                asked.increment();
            } else if (event instanceof ReconnectAttemptEvent) {
                reconnects.increment();
            } else if (event instanceof ClusterTopologyChangedEvent) {
                topologyChanges.increment();
            }
        });
        SocketOptions socket = SocketOptions.builder()
                .connectTimeout(connectTimeout)
                .keepAlive(true)
                .build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        SslOptions ssl = sslOptions(config);
        if (mode == Mode.CLUSTER) {
            this.client = null;
            this.clusterClient = RedisClusterClient.create(resources, uris);
            clusterClient.setOptions(ClusterClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .autoReconnect(true)
                    .sslOptions(ssl)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    // A MOVED or ASK reply, a lost node or a failed reconnect refreshes the slot map at once
                    // (at most once per refresh period); the map is re-read periodically too.
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers()
                            .adaptiveRefreshTriggersTimeout(ADAPTIVE_REFRESH_TIMEOUT)
                            .enablePeriodicRefresh(PERIODIC_REFRESH)
                            .closeStaleConnections(true)
                            .build())
                    .build());
            this.dedicatedOptions = null;
        } else {
            this.clusterClient = null;
            this.dedicatedOptions = ClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(
                            TimeoutOptions.builder().timeoutCommands(false).build())
                    .autoReconnect(false)
                    .sslOptions(ssl)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build();
            this.client = RedisClient.create(resources);
            client.setOptions(ClientOptions.builder()
                    .socketOptions(socket)
                    .timeoutOptions(timeouts)
                    .autoReconnect(true)
                    .sslOptions(ssl)
                    // While reconnecting, fail at once rather than queueing requests behind the outage.
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
        }
        this.prober = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "portcullis-redis-probe");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Starts connecting in the background; returns at once. */
    static RedisConnector start(RedisConfig config, Clock clock, MeterRegistry meters) {
        return start(config, clock, CircuitBreaker.DEFAULT_FAILURE_THRESHOLD, meters);
    }

    static RedisConnector start(RedisConfig config, Clock clock, int failureThreshold, MeterRegistry meters) {
        RedisConnector connector = new RedisConnector(config, clock, failureThreshold, meters);
        LOG.info(
                "connecting to Redis {} ({}) in the background; timeout {}",
                connector.address,
                connector.mode.name().toLowerCase(Locale.ROOT),
                connector.timeout);
        connector.prober.scheduleWithFixedDelay(connector::probe, 0, PROBE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        return connector;
    }

    /**
     * Runs one command on the shared connection. Fails with {@link StoreUnavailableException} at once while
     * the breaker is open, and after {@code redis.timeout} at the latest.
     */
    <T> CompletableFuture<T> call(Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
        return call(breaker, command);
    }

    /**
     * Runs one command on {@code key} (the key it touches; a script's first key) on the shared connection, like
     * {@link #call(Function)}. In Cluster it goes through the breaker of the primary that serves the key's slot
     * instead of the one shared breaker, so a dead primary refuses its own slots only and the others' keys keep
     * being served.
     */
    <T> CompletableFuture<T> call(
            String key, Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
        return call(mode == Mode.CLUSTER ? shardBreakers.of(key) : breaker, command);
    }

    private <T> CompletableFuture<T> call(
            CircuitBreaker gate, Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
        RedisClusterAsyncCommands<String, String> async = commands;
        if (async == null || !gate.allowsCalls()) {
            circuitOpen.increment();
            return CompletableFuture.failedFuture(new StoreUnavailableException("Redis is unavailable (circuit open)"));
        }
        long start = System.nanoTime();
        CompletableFuture<T> future;
        try {
            future = command.apply(async).toCompletableFuture();
        } catch (RuntimeException e) {
            gate.onFailure(e.getClass().getSimpleName());
            connectionFailed.increment();
            return CompletableFuture.failedFuture(new StoreUnavailableException("Redis call failed: " + e, e));
        }
        return future.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).handle((value, failure) -> {
            long elapsed = System.nanoTime() - start;
            if (failure == null) {
                succeeded.record(elapsed, TimeUnit.NANOSECONDS);
                gate.onSuccess();
                return value;
            }
            failed.record(elapsed, TimeUnit.NANOSECONDS);
            Throwable cause = unwrap(failure);
            if (cause instanceof RedisCommandExecutionException) {
                // Redis answered (an error reply): it is reachable, so this is no outage.
                errorReplies.increment();
                gate.onSuccess();
            } else {
                (cause instanceof TimeoutException || cause instanceof RedisCommandTimeoutException
                                ? timedOut
                                : connectionFailed)
                        .increment();
                gate.onFailure(cause.getClass().getSimpleName());
            }
            throw new CompletionException(new StoreUnavailableException("Redis call failed: " + cause, cause));
        });
    }

    private static Timer commandTimer(MeterRegistry meters, String outcome) {
        return Timer.builder("portcullis.redis.command.duration")
                .description("Latency of Redis commands on the shared connection")
                .tag("outcome", outcome)
                .serviceLevelObjectives(LATENCY_BUCKETS)
                .register(meters);
    }

    /**
     * Runs {@code write} on the primary of {@code key} and, with {@code redis.revocation-replicas} above 0,
     * follows it with {@code WAIT}: succeeds only once that many replicas have the write, and fails with
     * {@link StoreUnavailableException} when fewer acknowledged within {@code redis.timeout}. Such writes use a
     * connection of their own (WAIT holds up the commands behind it), so they cost the hot path nothing.
     */
    <T> CompletableFuture<T> callDurably(
            String key, Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> write) {
        if (durableReplicas == 0) {
            return call(key, write);
        }
        if (commands == null || !(mode == Mode.CLUSTER ? shardBreakers.of(key) : breaker).allowsCalls()) {
            circuitOpen.increment();
            return CompletableFuture.failedFuture(new StoreUnavailableException("Redis is unavailable (circuit open)"));
        }
        CompletableFuture<RedisClusterAsyncCommands<String, String>> node;
        try {
            node = durableCommands(key);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(new StoreUnavailableException("Redis call failed: " + e, e));
        }
        return node.thenCompose(async -> {
                    CompletableFuture<T> written = write.apply(async).toCompletableFuture();
                    // WAIT's own timeout ends before the command's, so that a missing replica is reported as such.
                    CompletableFuture<Long> acknowledged = async.waitForReplication(
                                    durableReplicas, Math.max(1, timeout.toMillis() * 3 / 4))
                            .toCompletableFuture();
                    return written.thenCombine(acknowledged, (value, replicas) -> {
                        if (replicas < durableReplicas) {
                            throw new CompletionException(new StoreUnavailableException("the write reached " + replicas
                                    + " of " + durableReplicas + " replicas within " + timeout.toMillis() + " ms"));
                        }
                        return value;
                    });
                })
                .orTimeout(timeout.toMillis() * 3, TimeUnit.MILLISECONDS)
                .handle((value, failure) -> {
                    if (failure == null) {
                        return value;
                    }
                    Throwable cause = unwrap(failure);
                    throw new CompletionException(
                            cause instanceof StoreUnavailableException
                                    ? cause
                                    : new StoreUnavailableException("Redis call failed: " + cause, cause));
                });
    }

    /** Whether revocation writes wait for replicas ({@code redis.revocation-replicas} above 0). */
    boolean durable() {
        return durableReplicas > 0;
    }

    private synchronized CompletableFuture<RedisClusterAsyncCommands<String, String>> durableCommands(String key) {
        if (mode == Mode.CLUSTER) {
            if (durable == null) {
                var cluster = clusterClient.connect(StringCodec.UTF8);
                durable = cluster;
            }
            var cluster = (StatefulRedisClusterConnection<String, String>) durable;
            RedisClusterNode owner = cluster.getPartitions().getPartitionBySlot(SlotHash.getSlot(key));
            if (owner == null) {
                throw new StoreUnavailableException("no Cluster node serves the slot of the key");
            }
            return cluster.getConnectionAsync(owner.getNodeId())
                    .toCompletableFuture()
                    .thenApply(c -> (RedisClusterAsyncCommands<String, String>) c.async());
        }
        if (durable == null) {
            durable = client.connect(StringCodec.UTF8, uris.get(0));
        }
        var standalone = (StatefulRedisConnection<String, String>) durable;
        return CompletableFuture.completedFuture(standalone.async());
    }

    private static Counter eventCounter(MeterRegistry meters, String type) {
        return Counter.builder("portcullis.redis.events")
                .description(
                        "Redis topology events: Cluster MOVED/ASK redirects, topology changes, reconnect attempts, "
                                + "Sentinel primary changes")
                .tag("type", type)
                .register(meters);
    }

    private static SslOptions sslOptions(RedisConfig config) {
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
        config.tls().ifPresent(tls -> {
            tls.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
            if (tls.certFile().isPresent() && tls.keyFile().isPresent()) {
                ssl.keyManager(
                        tls.certFile().get().toFile(), tls.keyFile().get().toFile(), null);
            }
        });
        return ssl.build();
    }

    private static Counter failureCounter(MeterRegistry meters, String reason) {
        return Counter.builder("portcullis.redis.command.failures")
                .description("Redis commands that failed, by reason")
                .tag("reason", reason)
                .register(meters);
    }

    /**
     * EVALSHA of {@code script}; on NOSCRIPT runs it once with EVAL, which goes to the node that owns the keys
     * (in Cluster, a replica promoted since the scripts were loaded) and caches the script there.
     */
    <T> CompletableFuture<T> eval(LuaScript script, ScriptOutputType type, String[] keys, String... args) {
        String first = keys.length == 0 ? null : keys[0];
        return this.<T>callOn(first, c -> c.evalsha(script.sha1(), type, keys, args))
                .exceptionallyCompose(failure -> {
                    if (!causedBy(failure, RedisNoScriptException.class)) {
                        return CompletableFuture.failedFuture(failure);
                    }
                    scriptLoads.incrementAndGet();
                    LOG.info(
                            "Redis lost script {} (restart, failover or SCRIPT FLUSH): loading it again",
                            script.name());
                    return this.<T>callOn(first, c -> c.eval(script.source(), type, keys, args));
                });
    }

    private <T> CompletableFuture<T> callOn(
            String key, Function<RedisClusterAsyncCommands<String, String>, RedisFuture<T>> command) {
        return key == null ? call(command) : call(key, command);
    }

    /** The background probe: connect if not connected, else PING (to close an open breaker, or as a heartbeat). */
    private void probe() {
        if (closed) {
            return;
        }
        try {
            if (connection == null) {
                connect();
            } else if (!breaker.allowsCalls()) {
                commands.ping().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                try {
                    loadScripts(commands);
                } catch (Exception e) {
                    // In Cluster the load goes to every primary, and one that just failed has not left the slot
                    // map yet: no reason to keep the breaker open, a node without a script gets it by EVAL.
                    LOG.debug(
                            "loading the scripts after an outage did not reach every node: {}",
                            unwrap(e).toString());
                }
                breaker.close();
            } else {
                // A heartbeat through the normal path: a Redis that went away while no request needed it
                // still trips the breaker, so /health/ready reports it without waiting for traffic.
                long sent = System.nanoTime();
                call(RedisClusterAsyncCommands::ping).thenRun(() -> lastAnsweredAt = sent);
            }
            if (connection != null) {
                observeTopology();
                probeShards();
            }
        } catch (Exception e) {
            if (connection == null && !warnedAtStart) {
                warnedAtStart = true;
                LOG.warn(
                        "Redis {} is not reachable yet ({}): shared state is unavailable until it is; "
                                + "retrying every {} ms",
                        address,
                        unwrap(e).toString(),
                        PROBE_INTERVAL.toMillis());
            }
        }
    }

    private void connect() throws Exception {
        StatefulConnection<String, String> connected;
        RedisClusterAsyncCommands<String, String> async;
        if (mode == Mode.CLUSTER) {
            var cluster = clusterClient.connect(StringCodec.UTF8);
            // Reads from primaries only: a replica may not have the last write (a revocation) yet.
            cluster.setReadFrom(ReadFrom.UPSTREAM);
            connected = cluster;
            async = cluster.async();
        } else {
            var standalone = client.connect(StringCodec.UTF8, uris.get(0));
            connected = standalone;
            async = standalone.async();
        }
        if (closed) {
            connected.close();
            return;
        }
        long sent = System.nanoTime();
        loadScripts(async);
        commands = async;
        connection = connected;
        lastAnsweredAt = sent;
        breaker.close();
    }

    /**
     * Whether Redis answered a heartbeat (a PING, sent every {@link #PROBE_INTERVAL} while the breaker is
     * closed) that was sent less than {@code bound} ago.
     */
    boolean answeredWithin(Duration bound) {
        long at = lastAnsweredAt;
        return at != 0 && breaker.allowsCalls() && System.nanoTime() - at < bound.toNanos();
    }

    /**
     * A connection of its own to the standalone or Sentinel primary, for a blocking command (XREAD BLOCK):
     * without a command timeout and without reconnecting on its own (the caller notices a lost connection by
     * the failed command, and connects again). The caller closes it. Not available in Cluster.
     *
     * @throws UnsupportedOperationException in Cluster
     */
    synchronized StatefulRedisConnection<String, String> connectDedicated() {
        if (mode == Mode.CLUSTER) {
            throw new UnsupportedOperationException("no dedicated connection in Cluster mode");
        }
        if (closed) {
            throw new StoreUnavailableException("the Redis connector is closed");
        }
        if (dedicatedClient == null) {
            dedicatedClient = RedisClient.create(resources);
            dedicatedClient.setOptions(dedicatedOptions);
        }
        return dedicatedClient.connect(StringCodec.UTF8, uris.get(0));
    }

    /** Standalone, Sentinel or Cluster. */
    Mode mode() {
        return mode;
    }

    private void loadScripts(RedisClusterAsyncCommands<String, String> async) throws Exception {
        for (LuaScript script : LuaScript.ALL) {
            async.scriptLoad(script.source()).toCompletableFuture().get(timeout.toMillis() * 5, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Records what /health/ready shows of the topology, without blocking the probe: Cluster state and the
     * primaries that answer PING; the primary the Sentinels name (a change counts as a failover).
     */
    private void observeTopology() {
        if (mode == Mode.CLUSTER && connection instanceof StatefulRedisClusterConnection<String, String> cluster) {
            List<RedisClusterNode> primaries = cluster.getPartitions().stream()
                    .filter(n -> n.is(RedisClusterNode.NodeFlag.UPSTREAM)
                            && !n.is(RedisClusterNode.NodeFlag.FAIL)
                            && n.getSlots().size() > 0)
                    .toList();
            List<CompletableFuture<String>> pings = new ArrayList<>();
            for (RedisClusterNode node : primaries) {
                pings.add(cluster.getConnectionAsync(node.getNodeId())
                        .toCompletableFuture()
                        .thenCompose(c -> c.async().ping().toCompletableFuture())
                        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .exceptionally(failure -> null));
            }
            CompletableFuture<String> state = cluster.async()
                    .clusterInfo()
                    .toCompletableFuture()
                    .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(failure -> null);
            CompletableFuture.allOf(pings.toArray(CompletableFuture[]::new)).thenCombine(state, (done, info) -> {
                long reachable =
                        pings.stream().filter(p -> "PONG".equals(p.join())).count();
                Map<String, Object> seen = new LinkedHashMap<>();
                seen.put("cluster-state", info == null ? "unknown" : clusterState(info));
                seen.put("primaries", primaries.size());
                seen.put("primaries-reachable", reachable);
                topology = seen;
                return null;
            });
        } else if (mode == Mode.SENTINEL) {
            try {
                if (sentinel == null) {
                    sentinel = client.connectSentinel(StringCodec.UTF8, uris.get(0));
                }
                sentinel.async()
                        .getMasterAddrByName(sentinelPrimaryName)
                        .toCompletableFuture()
                        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((address, failure) -> {
                            String now = address == null ? null : hostAndPort(address);
                            String before = sentinelPrimary;
                            if (now != null && before != null && !now.equals(before)) {
                                primaryChanges.increment();
                                LOG.warn(
                                        "Redis Sentinel {}: the primary moved from {} to {}",
                                        sentinelPrimaryName,
                                        before,
                                        now);
                            }
                            if (now != null) {
                                sentinelPrimary = now;
                            }
                            Map<String, Object> seen = new LinkedHashMap<>();
                            seen.put("sentinel-primary", now == null ? "unknown" : now);
                            seen.put("sentinel-name", sentinelPrimaryName);
                            topology = seen;
                        });
            } catch (RuntimeException e) {
                topology = Map.of("sentinel-primary", "unknown", "sentinel-name", sentinelPrimaryName);
            }
        }
    }

    /**
     * Cluster: PINGs the primary behind each open per-primary breaker and closes the breaker when it answers;
     * while one is open, asks for the slot map again (a failover gives its slots to another node, whose breaker
     * is closed), and forgets the breakers of nodes that serve no slot any more.
     */
    private void probeShards() {
        if (mode != Mode.CLUSTER || !(connection instanceof StatefulRedisClusterConnection<String, String> cluster)) {
            return;
        }
        Map<String, CircuitBreaker> open = shardBreakers.open();
        if (!open.isEmpty()) {
            clusterClient.refreshPartitionsAsync();
        }
        open.forEach((node, shard) -> cluster.getConnectionAsync(node)
                .toCompletableFuture()
                .thenCompose(c -> c.async().ping().toCompletableFuture())
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((pong, failure) -> {
                    if ("PONG".equals(pong)) {
                        shard.close();
                    }
                }));
        shardBreakers.retain(cluster.getPartitions().stream()
                .filter(n ->
                        n.is(RedisClusterNode.NodeFlag.UPSTREAM) && n.getSlots().size() > 0)
                .map(RedisClusterNode::getNodeId)
                .collect(Collectors.toSet()));
    }

    private static String clusterState(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("cluster_state:")) {
                return line.substring("cluster_state:".length()).trim();
            }
        }
        return "unknown";
    }

    private static String hostAndPort(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getHostString() + ":" + inet.getPort();
        }
        return address.toString();
    }

    /** For /health/ready: up, down or connecting, with since when. */
    StoreHealth health() {
        CircuitBreaker.Status status = breaker.status();
        Map<String, Object> details = new LinkedHashMap<>();
        boolean up = status.state() == CircuitBreaker.State.CLOSED;
        details.put("status", up ? "up" : connection == null ? "connecting" : "down");
        details.put("mode", mode.name().toLowerCase(Locale.ROOT));
        details.put("since", status.since().toString());
        if (!up) {
            details.put("reason", status.reason());
        }
        details.putAll(topology);
        if (mode == Mode.CLUSTER) {
            // Primaries whose own breaker is open: their slots are refused, the others' served.
            details.put("primaries-refused", shardBreakers.open().size());
        }
        return new StoreHealth(up, details);
    }

    CircuitBreaker breaker() {
        return breaker;
    }

    /** Whether a call on {@code key} would go out now (in Cluster: the breaker of the key's primary is closed). */
    boolean allowsCalls(String key) {
        return commands != null && (mode == Mode.CLUSTER ? shardBreakers.of(key) : breaker).allowsCalls();
    }

    /**
     * Whether one script may touch all of {@code keys}: always outside Cluster (one server holds every key),
     * and in Cluster only when they hash to one slot (otherwise Redis refuses the script with CROSSSLOT).
     */
    boolean oneSlot(String... keys) {
        return mode != Mode.CLUSTER || sameSlot(keys);
    }

    /** Whether every key hashes to the Cluster slot of the first (hash tags honoured). */
    static boolean sameSlot(String... keys) {
        for (String key : keys) {
            if (SlotHash.getSlot(key) != SlotHash.getSlot(keys[0])) {
                return false;
            }
        }
        return true;
    }

    /** How many times a script had to be loaded again after NOSCRIPT. */
    long scriptReloads() {
        return scriptLoads.get();
    }

    /** Seconds a caller may suggest in {@code Retry-After} while Redis is unavailable. */
    long retryAfterSeconds() {
        return Math.max(1, (PROBE_INTERVAL.toMillis() + 999) / 1000);
    }

    @Override
    public void close() {
        closed = true;
        prober.shutdownNow();
        StatefulConnection<String, String> open = connection;
        if (open != null) {
            open.close();
        }
        synchronized (this) {
            if (durable != null) {
                durable.close();
            }
        }
        StatefulRedisSentinelConnection<String, String> watching = sentinel;
        if (watching != null) {
            watching.close();
        }
        synchronized (this) {
            if (dedicatedClient != null) {
                dedicatedClient.shutdown(Duration.ZERO, timeout);
            }
        }
        if (client != null) {
            client.shutdown(Duration.ZERO, timeout);
        } else {
            clusterClient.shutdown(Duration.ZERO, timeout);
        }
        resources.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private static Throwable unwrap(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static List<RedisURI> redisUris(URI uri, Mode mode, Duration timeout, Optional<char[]> password) {
        List<RedisURI> result = new ArrayList<>();
        if (mode == Mode.CLUSTER) {
            // redis-cluster://[user:password@]host:port,host:port[/...]: Lettuce has no such scheme, it takes
            // one URI per seed node.
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT).startsWith("rediss") ? "rediss" : "redis";
            String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo() + "@";
            for (String host : hosts(uri).split(",")) {
                if (!host.isBlank()) {
                    result.add(RedisURI.create(scheme + "://" + userInfo + host.trim()));
                }
            }
        } else {
            // Lettuce reads redis://, rediss://, redis-sentinel:// and rediss-sentinel:// (…#masterId) itself.
            result.add(RedisURI.create(uri.toString()));
        }
        for (RedisURI each : result) {
            each.setTimeout(timeout);
            // redis.password-env / redis.password-file: for the data nodes (a Sentinel's own password stays in
            // the URI).
            // A URI's user info without a colon then names the ACL user.
            String user = uri.getRawUserInfo() == null || uri.getRawUserInfo().contains(":")
                    ? null
                    : URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
            password.ifPresent(p -> {
                if (user == null) {
                    each.setAuthentication(p);
                } else {
                    each.setAuthentication(user, p);
                }
            });
        }
        return result;
    }

    private static String hosts(URI uri) {
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        return authority.substring(authority.indexOf('@') + 1);
    }
}
