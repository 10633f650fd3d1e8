package io.portcullis.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.spi.AppenderAttachable;
import ch.qos.logback.core.spi.AppenderAttachableImpl;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Logback appender that never blocks the thread that logs: each event goes into a bounded queue (a full
 * queue drops it and counts it in {@link #dropped()}), and one writer thread hands the queued events, in order
 * and in batches of up to {@code maxBatch}, to the appenders attached to it. An attached
 * {@link OutputStreamAppender} that only this appender writes to may run with {@code immediateFlush=false}:
 * its stream is flushed once per batch ({@code flushEachBatch}), so a busy log costs one write per batch
 * rather than one per line. The line format is the attached appender's encoder's, unchanged.
 *
 * <p>Usable from an operator's {@code logback.xml}: {@code <appender name="async"
 * class="io.portcullis.logging.AsyncLineAppender"><appender-ref ref="file"/></appender>}. On stop the writer
 * drains what is queued, for at most {@code drainTimeoutMillis}. Thread-safe.
 */
public final class AsyncLineAppender extends UnsynchronizedAppenderBase<ILoggingEvent>
        implements AppenderAttachable<ILoggingEvent> {
    /** Events queued at most; past that, events are dropped and counted. */
    public static final int DEFAULT_QUEUE_SIZE = 8192;
    /** Events written per batch at most. */
    public static final int DEFAULT_MAX_BATCH = 256;

    public static final long DEFAULT_DRAIN_TIMEOUT_MILLIS = 1000;

    private final AppenderAttachableImpl<ILoggingEvent> appenders = new AppenderAttachableImpl<>();
    private final AtomicLong dropped = new AtomicLong();
    private int queueSize = DEFAULT_QUEUE_SIZE;
    private int maxBatch = DEFAULT_MAX_BATCH;
    private long drainTimeoutMillis = DEFAULT_DRAIN_TIMEOUT_MILLIS;
    private boolean flushEachBatch;
    private volatile BlockingQueue<ILoggingEvent> queue;
    private volatile Thread writer;

    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    public void setMaxBatch(int maxBatch) {
        this.maxBatch = maxBatch;
    }

    public void setDrainTimeoutMillis(long drainTimeoutMillis) {
        this.drainTimeoutMillis = drainTimeoutMillis;
    }

    /** Flush each attached {@link OutputStreamAppender}'s stream after every batch (for one with immediateFlush off). */
    public void setFlushEachBatch(boolean flushEachBatch) {
        this.flushEachBatch = flushEachBatch;
    }

    /** Events dropped because the queue was full, since start. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void start() {
        if (isStarted()) {
            return;
        }
        if (queueSize < 1 || maxBatch < 1) {
            addError("queueSize and maxBatch must be at least 1 (were " + queueSize + ", " + maxBatch + ")");
            return;
        }
        if (!appenders.iteratorForAppenders().hasNext()) {
            addWarn("no appender attached to " + getName() + ": its events go nowhere");
        }
        queue = new ArrayBlockingQueue<>(queueSize);
        Thread thread = new Thread(this::write, "portcullis-log-writer-" + (getName() == null ? "" : getName()));
        thread.setDaemon(true);
        writer = thread;
        super.start();
        thread.start();
    }

    @Override
    protected void append(ILoggingEvent event) {
        // The message, MDC and thread name are read now, on the logging thread: later they may have changed.
        event.prepareForDeferredProcessing();
        if (!queue.offer(event)) {
            dropped.incrementAndGet();
        }
    }

    private void write() {
        List<ILoggingEvent> batch = new ArrayList<>(maxBatch);
        BlockingQueue<ILoggingEvent> events = queue;
        while (isStarted() || !events.isEmpty()) {
            try {
                ILoggingEvent first = events.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                events.drainTo(batch, maxBatch - 1);
                for (ILoggingEvent event : batch) {
                    appenders.appendLoopOnAppenders(event);
                }
                if (flushEachBatch) {
                    flush();
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                addError("writing a batch of log events failed", e);
            } finally {
                batch.clear();
            }
        }
    }

    private void flush() {
        for (Iterator<Appender<ILoggingEvent>> it = appenders.iteratorForAppenders(); it.hasNext(); ) {
            if (it.next() instanceof OutputStreamAppender<ILoggingEvent> stream) {
                OutputStream out = stream.getOutputStream();
                if (out != null) {
                    try {
                        out.flush();
                    } catch (IOException e) {
                        addError("flushing " + stream.getName() + " failed", e);
                    }
                }
            }
        }
    }

    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        Thread thread = writer;
        if (thread != null) {
            try {
                thread.join(drainTimeoutMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (thread.isAlive()) {
                addWarn(queue.size() + " log events were still queued when " + getName() + " stopped");
                thread.interrupt();
            }
        }
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public void addAppender(Appender<ILoggingEvent> appender) {
        appenders.addAppender(appender);
    }

    @Override
    public Iterator<Appender<ILoggingEvent>> iteratorForAppenders() {
        return appenders.iteratorForAppenders();
    }

    @Override
    public Appender<ILoggingEvent> getAppender(String name) {
        return appenders.getAppender(name);
    }

    @Override
    public boolean isAttached(Appender<ILoggingEvent> appender) {
        return appenders.isAttached(appender);
    }

    @Override
    public void detachAndStopAllAppenders() {
        appenders.detachAndStopAllAppenders();
    }

    @Override
    public boolean detachAppender(Appender<ILoggingEvent> appender) {
        return appenders.detachAppender(appender);
    }

    @Override
    public boolean detachAppender(String name) {
        return appenders.detachAppender(name);
    }
}
