package io.portcullis.store;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.portcullis.store.RevocationMirror.StreamId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link RevocationMirror} current from the revocation stream ({@code rv-events:{rv}}), and makes a
 * revoking node wait until every node's mirror has the revocation ({@link #awaitApplied}).
 *
 * <p>One thread per node reads the stream with {@code XREAD BLOCK 0} on a connection of its own, from the last
 * entry it applied. On every (re)connection it first compares that entry with the stream ({@code XINFO
 * STREAM}): a stream that is gone or restarted (Redis lost its data), or whose trimmed entries
 * ({@code max-deleted-entry-id}) reach past it (a gap: more than the stream's length was written while this
 * node was away), is reloaded in full from the {@code rv:…} keys; otherwise the entries it missed are
 * replayed by the next XREAD. It then registers in {@code rv-nodes:{rv}} with the last entry it applied, and
 * after each batch reports how far it got. A revocation (written with its stream entry in one script) is
 * acknowledged to its caller only once every registered node reports that entry, or after
 * {@link #ACK_WAIT}: a node that has not answered by then is dropped from the registry, and its mirror had
 * stopped answering anyway, because a mirror answers only while the node's Redis heartbeat is younger than
 * {@link #HEARTBEAT_BOUND}, shorter than that wait. Thread-safe.
 */
final class RevocationFeed implements AutoCloseable {
    /** The stream keeps about this many entries ({@code XADD MAXLEN ~}): a node away for longer reloads. */
    static final long STREAM_MAXLEN = 100_000;
    /** The mirror answers only while a heartbeat sent less than this ago was answered. */
    static final Duration HEARTBEAT_BOUND = Duration.ofMillis(1500);
    /** How long a revocation waits for the other nodes' mirrors before dropping the silent ones. */
    static final Duration ACK_WAIT = Duration.ofMillis(2500);
    /** How often a waiting revocation reads the nodes' reports. */
    static final Duration ACK_POLL = Duration.ofMillis(2);
    /** Without a heartbeat for this long, the stream connection is closed and made again. */
    static final Duration STALE_CONNECTION = Duration.ofSeconds(5);

    static final Duration RETRY_MIN = Duration.ofMillis(50);
    static final Duration RETRY_MAX = Duration.ofSeconds(1);
    private static final int SCAN_BATCH = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(RevocationFeed.class);

    private final RedisConnector redis;
    private final RedisKeys keys;
    private final RevocationMirror mirror;
    private final String nodeId;
    private final String stream;
    private final String nodes;
    private final Thread reader;
    private final ScheduledExecutorService timer;
    private final Counter fallbacks;
    private final Counter reloads;
    private volatile StatefulRedisConnection<String, String> connection;
    private volatile boolean closed;
    private final AtomicBoolean started = new AtomicBoolean();

    RevocationFeed(RedisConnector redis, RedisKeys keys, RevocationMirror mirror, String nodeId, MeterRegistry meters) {
        this.redis = redis;
        this.keys = keys;
        this.mirror = mirror;
        this.nodeId = nodeId;
        this.stream = keys.revocationEvents();
        this.nodes = keys.revocationNodes();
        Gauge.builder("portcullis.revocation.mirror.size", mirror, RevocationMirror::size)
                .description("Live revocations in this node's mirror")
                .register(meters);
        Gauge.builder("portcullis.revocation.mirror.lag", mirror, RevocationMirror::lagMillis)
                .description("Milliseconds between the last revocation applied to the mirror and its stream entry")
                .baseUnit("milliseconds")
                .register(meters);
        Gauge.builder("portcullis.revocation.mirror.current", mirror, m -> m.current() ? 1 : 0)
                .description("1 while the mirror answers revocation checks, 0 while they go to Redis")
                .register(meters);
        Gauge.builder("portcullis.revocation.mirror.dropped", mirror, RevocationMirror::dropped)
                .description("Revocations not kept for the mirror's size bound")
                .register(meters);
        this.fallbacks = Counter.builder("portcullis.revocation.mirror.fallbacks")
                .description("Revocation checks sent to Redis because the mirror was not current")
                .register(meters);
        this.reloads = Counter.builder("portcullis.revocation.mirror.reloads")
                .description("Full reloads of the mirror from the revocation keys (start, gap, lost stream)")
                .register(meters);
        this.timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "portcullis-revocation-timer");
            thread.setDaemon(true);
            return thread;
        });
        this.reader = new Thread(this::run, "portcullis-revocation-feed");
        reader.setDaemon(true);
    }

    /** Starts reading in the background (once; later calls do nothing). */
    RevocationFeed start() {
        if (started.compareAndSet(false, true) && !closed) {
            reader.start();
            timer.scheduleWithFixedDelay(this::maintain, 1, 1, TimeUnit.SECONDS);
        }
        return this;
    }

    RevocationMirror mirror() {
        return mirror;
    }

    /**
     * Whether the stream connection is up as Lettuce last saw it: a Redis that went away is noticed here as
     * soon as the connection's close is read, before the blocked XREAD's failure reaches the reader thread.
     */
    boolean connectionOpen() {
        StatefulRedisConnection<String, String> open = connection;
        return open != null && open.isOpen();
    }

    /** Counts one check that went to Redis because the mirror was not current. */
    void onFallback() {
        fallbacks.increment();
    }

    /**
     * Completes once every registered node has applied stream entry {@code id} (empty: nothing to wait for),
     * or after {@link #ACK_WAIT}, dropping the nodes that had not. Never completes exceptionally.
     */
    CompletableFuture<Void> awaitApplied(String id) {
        if (id == null || id.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        StreamId target = StreamId.parse(id);
        CompletableFuture<Void> done = new CompletableFuture<>();
        poll(target, System.nanoTime() + ACK_WAIT.toNanos(), done);
        return done;
    }

    private void poll(StreamId target, long deadline, CompletableFuture<Void> done) {
        redis.<Map<String, String>>call(c -> c.hgetall(nodes)).whenComplete((reports, failure) -> {
            List<String> behind = new ArrayList<>();
            if (reports != null) {
                reports.forEach((node, applied) -> {
                    if (!appliedAtLeast(applied, target)) {
                        behind.add(node);
                    }
                });
            }
            if (reports != null && behind.isEmpty()) {
                done.complete(null);
            } else if (System.nanoTime() - deadline >= 0 || closed) {
                if (!behind.isEmpty()) {
                    LOG.warn(
                            "revocation {}: the mirrors of {} did not report it within {} ms; they are dropped and "
                                    + "answer from Redis until they register again",
                            target,
                            behind,
                            ACK_WAIT.toMillis());
                    redis.call(nodes, c -> c.hdel(nodes, behind.toArray(String[]::new)));
                }
                done.complete(null);
            } else {
                timer.schedule(() -> poll(target, deadline, done), ACK_POLL.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    private static boolean appliedAtLeast(String applied, StreamId target) {
        try {
            return StreamId.parse(applied).compareTo(target) >= 0;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private void run() {
        long retry = RETRY_MIN.toMillis();
        while (!closed) {
            try {
                StatefulRedisConnection<String, String> open = redis.connectDedicated();
                connection = open;
                if (closed) {
                    open.close();
                    return;
                }
                RedisAsyncCommands<String, String> async = open.async();
                synchronize(async);
                retry = RETRY_MIN.toMillis();
                while (!closed) {
                    read(async);
                }
            } catch (Exception e) {
                mirror.suspend();
                if (!closed) {
                    LOG.debug("revocation stream: {}; connecting again in {} ms", e.toString(), retry);
                }
            } finally {
                StatefulRedisConnection<String, String> open = connection;
                connection = null;
                if (open != null) {
                    open.closeAsync();
                }
            }
            sleep(retry);
            retry = Math.min(retry * 2, RETRY_MAX.toMillis());
        }
    }

    /** After a (re)connection or being dropped: reload when needed, then register. */
    private void synchronize(RedisAsyncCommands<String, String> async) throws Exception {
        mirror.suspend();
        if (!mirror.loaded() || !replayable(async)) {
            reload(async);
        }
        String upTo = async.<String>eval(
                        LuaScript.REVOCATION_ACK.source(),
                        ScriptOutputType.VALUE,
                        new String[] {nodes, stream},
                        nodeId,
                        mirror.applied().toString(),
                        "1")
                .get();
        mirror.registered(StreamId.parse(upTo));
    }

    /**
     * Whether the next XREAD replays every entry since the last one applied: the stream is the same (its last
     * id not behind ours) and still holds our last entry (trimming removes the oldest entries first, so when
     * ours is still there nothing after it is gone). When ours was trimmed, whatever followed it may have been
     * too: reload, even if nothing was missed.
     */
    private boolean replayable(RedisAsyncCommands<String, String> async) throws Exception {
        List<Object> info;
        try {
            info = async.xinfoStream(stream).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RedisCommandExecutionException) {
                return mirror.applied().equals(StreamId.ZERO); // no stream: never one, or Redis lost its data
            }
            throw e;
        }
        StreamId applied = mirror.applied();
        StreamId last = null;
        StreamId first = null;
        long length = -1;
        for (int i = 0; i + 1 < info.size(); i += 2) {
            String name = String.valueOf(info.get(i));
            Object value = info.get(i + 1);
            switch (name) {
                case "last-generated-id" -> last = StreamId.parse(String.valueOf(value));
                case "recorded-first-entry-id" -> first = StreamId.parse(String.valueOf(value));
                case "length" -> length = Long.parseLong(String.valueOf(value));
                default -> {}
            }
        }
        if (last == null || first == null || length < 0 || last.compareTo(applied) < 0) {
            return false; // Redis before 7.0 (no recorded-first-entry-id), or a new stream
        }
        return length == 0 ? last.equals(applied) : first.compareTo(applied) <= 0;
    }

    /** Replaces the mirror by the revocation keys as they are, and continues the stream after its last entry. */
    private void reload(RedisAsyncCommands<String, String> async) throws Exception {
        reloads.increment();
        mirror.clear();
        // The stream's last entry first: what is revoked after it is read from the stream, what before from
        // the keys (an entry seen both ways is applied twice, which changes nothing).
        List<StreamMessage<String, String>> last =
                async.xrevrange(stream, Range.unbounded(), Limit.from(1)).get();
        StreamId from =
                last.isEmpty() ? StreamId.ZERO : StreamId.parse(last.get(0).getId());
        ScanArgs match = ScanArgs.Builder.matches(keys.revocationPattern()).limit(SCAN_BATCH);
        ScanCursor cursor = ScanCursor.INITIAL;
        long loaded = 0;
        do {
            KeyScanCursor<String> page = async.scan(cursor, match).get();
            List<String> found = page.getKeys();
            List<CompletableFuture<Long>> expiries = new ArrayList<>(found.size());
            List<CompletableFuture<String>> values = new ArrayList<>(found.size());
            for (String key : found) {
                expiries.add(async.pexpiretime(key).toCompletableFuture());
                values.add(
                        key.endsWith(":nbf")
                                ? async.get(key).toCompletableFuture()
                                : CompletableFuture.completedFuture("1"));
            }
            for (int i = 0; i < found.size(); i++) {
                Long expiresAt = expiries.get(i).get();
                String value = values.get(i).get();
                if (expiresAt != null && expiresAt > 0 && value != null) {
                    mirror.apply(found.get(i), parseLong(value), expiresAt);
                    loaded++;
                }
            }
            cursor = page;
        } while (!cursor.isFinished() && !closed);
        mirror.advance(from);
        mirror.markLoaded();
        LOG.info("revocation mirror loaded: {} live revocations, stream at {}", loaded, from);
    }

    /** One XREAD (blocking until something is revoked), then its entries applied and reported. */
    private void read(RedisAsyncCommands<String, String> async) throws Exception {
        List<StreamMessage<String, String>> batch = async.xread(
                        XReadArgs.Builder.block(0),
                        XReadArgs.StreamOffset.from(stream, mirror.applied().toString()))
                .get();
        if (batch == null || batch.isEmpty()) {
            return;
        }
        for (StreamMessage<String, String> message : batch) {
            Map<String, String> body = message.getBody();
            String key = body.get("k");
            if (key != null) {
                mirror.apply(key, parseLong(body.get("v")), parseLong(body.get("x")));
            }
            mirror.advance(StreamId.parse(message.getId()));
        }
        if (batch.size() >= STREAM_MAXLEN / 2) {
            synchronize(async); // so far behind that entries may have been trimmed before this read
            return;
        }
        String reported = async.<String>eval(
                        LuaScript.REVOCATION_ACK.source(),
                        ScriptOutputType.VALUE,
                        new String[] {nodes, stream},
                        nodeId,
                        mirror.applied().toString(),
                        "0")
                .get();
        if ("0".equals(reported)) {
            LOG.warn(
                    "revocation mirror: a revoking node dropped this node for not reporting in time; registering again");
            synchronize(async);
        }
    }

    /** Every second: expired entries out; a stream connection without a heartbeat for long is made again. */
    private void maintain() {
        try {
            mirror.purgeExpired();
            StatefulRedisConnection<String, String> open = connection;
            if (open != null && !redis.answeredWithin(STALE_CONNECTION)) {
                LOG.debug("revocation stream: no Redis heartbeat for {} ms; reconnecting", STALE_CONNECTION.toMillis());
                open.closeAsync();
            }
        } catch (RuntimeException e) {
            LOG.debug("revocation mirror maintenance failed: {}", e.toString());
        }
    }

    private static long parseLong(String text) {
        try {
            return text == null ? 0 : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** Stops reading and leaves the registry (best effort). */
    @Override
    public void close() {
        closed = true;
        mirror.suspend();
        try {
            redis.call(nodes, c -> c.hdel(nodes, nodeId)).get(1, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("revocation mirror: could not leave the registry: {}", e.toString());
        }
        timer.shutdownNow();
        StatefulRedisConnection<String, String> open = connection;
        if (open != null) {
            open.closeAsync();
        }
        reader.interrupt();
    }
}
