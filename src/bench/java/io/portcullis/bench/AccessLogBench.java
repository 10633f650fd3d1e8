package io.portcullis.bench;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.portcullis.logging.AsyncLineAppender;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import net.logstash.logback.encoder.LogstashEncoder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.slf4j.MDC;

/**
 * What one access-log line costs the request thread: a JSON line (Logstash encoder, the access log's ten
 * fields) written synchronously to a file stream flushed per line (as the console appender does), against
 * the same appender behind {@link AsyncLineAppender} (queued; written and flushed per batch by its writer).
 * The stream is {@code /dev/null}, so the figure is the gateway's own work, not the disk's. The async case
 * prints how many lines its queue dropped (a request thread faster than the writer).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class AccessLogBench {
    @Param({"sync", "async"})
    public String appender;

    private LoggerContext context;
    private Logger logger;
    private AsyncLineAppender async;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        context = new LoggerContext();
        context.setMDCAdapter(MDC.getMDCAdapter());
        context.start();
        LogstashEncoder json = new LogstashEncoder();
        json.setContext(context);
        json.start();
        OutputStreamAppender<ILoggingEvent> file = new OutputStreamAppender<>();
        file.setContext(context);
        file.setName("file");
        file.setEncoder(json);
        file.setOutputStream(new FileOutputStream("/dev/null"));
        file.setImmediateFlush(appender.equals("sync"));
        file.start();
        logger = context.getLogger("portcullis.access");
        logger.setAdditive(false);
        if (appender.equals("sync")) {
            logger.addAppender(file);
        } else {
            async = new AsyncLineAppender();
            async.setContext(context);
            async.setName("async");
            async.setFlushEachBatch(true);
            async.addAppender(file);
            async.start();
            logger.addAppender(async);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (async != null) {
            System.out.println("\nlines dropped by the queue: " + async.dropped());
        }
        context.stop();
    }

    @Benchmark
    public void line() {
        logger.atInfo()
                .addKeyValue("request_id", "671e74fad37cba2cb417bc98095ef0c6")
                .addKeyValue("method", "GET")
                .addKeyValue("path", "/api/orders/42")
                .addKeyValue("status", 200)
                .addKeyValue("duration_ms", "1.2")
                .addKeyValue("client", "127.0.0.1")
                .addKeyValue("route", "a")
                .addKeyValue("auth", "jwt")
                .addKeyValue("user", "alice")
                .addKeyValue("upstream", "http://127.0.0.1:8081")
                .log("GET /api/orders/42 200 1ms");
    }
}
