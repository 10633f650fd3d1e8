package io.portcullis.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class AsyncLineAppenderTest {
    private final LoggerContext context = new LoggerContext();
    private final Logger logger = context.getLogger("portcullis.access");

    {
        context.setMDCAdapter(MDC.getMDCAdapter()); // the one MDC.put writes to
        context.start();
    }

    @AfterEach
    void stop() {
        context.stop();
    }

    private AsyncLineAppender async(int queueSize, ch.qos.logback.core.Appender<ILoggingEvent> target) {
        AsyncLineAppender async = new AsyncLineAppender();
        async.setContext(context);
        async.setName("async");
        async.setQueueSize(queueSize);
        async.addAppender(target);
        async.start();
        logger.addAppender(async);
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
        return async;
    }

    /** Holds the writer thread on the first event until released. */
    private static final class Stalled extends AppenderBase<ILoggingEvent> {
        final CountDownLatch first = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<String> written = new CopyOnWriteArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            first.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            written.add(event.getFormattedMessage());
        }
    }

    @Test
    void appendWhenQueueFullThenDropsAndCountsWithoutBlocking() throws Exception {
        Stalled stalled = new Stalled();
        stalled.setContext(context);
        stalled.start();
        AsyncLineAppender async = async(2, stalled);
        logger.info("line 0");
        assertTrue(stalled.first.await(5, TimeUnit.SECONDS), "the writer took the first line");

        long start = System.nanoTime();
        for (int i = 1; i <= 10; i++) {
            logger.info("line {}", i);
        }
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

        assertTrue(tookMillis < 1000, "logging waited for the stalled writer: " + tookMillis + " ms");
        assertEquals(8, async.dropped(), "two fit in the queue");
        stalled.release.countDown();
        async.stop();
        assertEquals(List.of("line 0", "line 1", "line 2"), stalled.written);
    }

    /** Counts flushes of the stream under the appender. */
    private static final class CountingStream extends FilterOutputStream {
        final AtomicInteger flushes = new AtomicInteger();

        CountingStream(ByteArrayOutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            flushes.incrementAndGet();
            super.flush();
        }
    }

    private OutputStreamAppender<ILoggingEvent> streamAppender(java.io.OutputStream out, boolean immediateFlush) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%level [%logger{0}] %msg %X{rid} %kvp%n");
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("stream");
        appender.setEncoder(encoder);
        appender.setImmediateFlush(immediateFlush);
        appender.setOutputStream(out);
        appender.start();
        return appender;
    }

    @Test
    void appendWhenManyLinesThenSameBytesAsSynchronousInOrderAndFlushedPerBatch() throws Exception {
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        Logger direct = context.getLogger("direct");
        direct.addAppender(streamAppender(expected, true));
        direct.setAdditive(false);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CountingStream counting = new CountingStream(bytes);
        AsyncLineAppender async = async(AsyncLineAppender.DEFAULT_QUEUE_SIZE, streamAppender(counting, false));
        async.setFlushEachBatch(true);

        for (int i = 0; i < 2000; i++) {
            MDC.put("rid", "r" + i);
            logger.atInfo().addKeyValue("status", 200 + i % 3).log("GET /x/{}", i);
            direct.atInfo().addKeyValue("status", 200 + i % 3).log("GET /x/{}", i);
            MDC.remove("rid"); // read when logged, not when written
        }
        async.stop();

        String written = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(expected.toString(StandardCharsets.UTF_8).replace("[direct]", "[access]"), written);
        assertTrue(written.startsWith("INFO [access] GET /x/0 r0 status=\"200\""), written.substring(0, 60));
        assertTrue(counting.flushes.get() < 2000, "flushed per batch, not per line: " + counting.flushes.get());
        assertEquals(0, async.dropped());
    }

    @Test
    void droppedWhenRegisteredThenCountedInTheMeter() throws Exception {
        Stalled stalled = new Stalled();
        stalled.setContext(context);
        stalled.start();
        async(1, stalled);
        logger.info("first");
        assertTrue(stalled.first.await(5, TimeUnit.SECONDS));
        for (int i = 0; i < 5; i++) {
            logger.info("more");
        }

        assertEquals(4.0, LogMeters.dropped(context));
        assertEquals(1, LogMeters.asyncAppenders(context).size());
        stalled.release.countDown();
    }
}
