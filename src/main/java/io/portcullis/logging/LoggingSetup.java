package io.portcullis.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.portcullis.config.GatewayConfig.LoggingConfig;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.ILoggerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging.format}, {@code logging.level} and {@code logging.levels} to Logback when Logback is the
 * SLF4J backend and nobody else configured it. An operator configures it with {@code -Dlogback.configurationFile}
 * or a {@code logback.xml} (or {@code logback-test.xml}) on the container's class path ({@code $CATALINA_BASE/lib},
 * Jetty's {@code resources/}); the WAR ships none, so one found there is the operator's, and it is left exactly as
 * Logback read it: its appenders (files, syslog) and per-logger levels stay. Where the container supplies its own
 * backend (the backend is not Logback), the container's logging configuration rules likewise.
 */
public final class LoggingSetup {
    /** Logback's own system property naming its configuration file. */
    public static final String CONFIGURATION_FILE_PROPERTY = "logback.configurationFile";

    private static final List<String> CONFIGURATION_RESOURCES = List.of("logback-test.xml", "logback.xml");
    /** The name of the access log's asynchronous appender when the gateway configures Logback. */
    public static final String ACCESS_APPENDER = "access-async";

    private static final int STDOUT_BUFFER = 64 * 1024;
    private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%logger{0}] %msg %kvp%n";

    private LoggingSetup() {}

    /** @return false when nothing was changed: the backend is not Logback, or an operator configured it */
    public static boolean apply(LoggingConfig config) {
        return apply(config, System.getProperty(CONFIGURATION_FILE_PROPERTY), LoggingSetup.class.getClassLoader());
    }

    static boolean apply(LoggingConfig config, String configurationFile, ClassLoader loader) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return false;
        }
        Optional<String> operator = operatorConfiguration(configurationFile, loader);
        if (operator.isPresent()) {
            LoggerFactory.getLogger(LoggingSetup.class)
                    .info(
                            "logging is configured by {}; logging.format, "
                                    + "logging.level and logging.levels of the gateway's configuration are not applied",
                            operator.get());
            return false;
        }
        context.reset();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setEncoder(encoder(config.format(), context));
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(config.level(), Level.INFO));
        root.addAppender(console);
        // The access log, one line per request, never waits for the console: its lines are queued and written
        // by one thread in batches (same encoder, so the same lines), dropped and counted when the queue is full.
        ch.qos.logback.classic.Logger access = context.getLogger(AccessLogStage.LOGGER_NAME);
        access.addAppender(asyncStdout(config.format(), context));
        access.setAdditive(false);
        // Jetty's client logs every header, Authorization included, at DEBUG: keep it above that.
        context.getLogger("org.eclipse.jetty").setLevel(Level.INFO);
        context.getLogger("io.netty").setLevel(Level.INFO);
        context.getLogger("io.lettuce").setLevel(Level.INFO);
        // The Redis circuit breaker logs one line per state change; Lettuce's watchdog would add a WARN for
        // every reconnect attempt (about one a second) while Redis is away.
        context.getLogger("io.lettuce.core.protocol.ConnectionWatchdog").setLevel(Level.ERROR);
        for (Map.Entry<String, String> level : config.levels().entrySet()) {
            context.getLogger(level.getKey()).setLevel(Level.toLevel(level.getValue(), Level.INFO));
        }
        return true;
    }

    /**
     * The access log's appender: an {@link AsyncLineAppender} over standard output, buffered and flushed once per
     * batch (only its writer thread writes to that buffer, so lines never interleave mid-line).
     */
    static AsyncLineAppender asyncStdout(LoggingConfig.Format format, LoggerContext context) {
        OutputStreamAppender<ILoggingEvent> stdout = new OutputStreamAppender<>();
        stdout.setContext(context);
        stdout.setName("access-stdout");
        stdout.setEncoder(encoder(format, context));
        stdout.setImmediateFlush(false);
        // Stopping the appender closes its stream: standard output is the container's, so closing stops at the buffer.
        stdout.setOutputStream(new BufferedOutputStream(
                new FilterOutputStream(new FileOutputStream(FileDescriptor.out)) {
                    @Override
                    public void write(byte[] bytes, int offset, int length) throws IOException {
                        out.write(bytes, offset, length);
                    }

                    @Override
                    public void close() throws IOException {
                        flush();
                    }
                },
                STDOUT_BUFFER));
        stdout.start();
        AsyncLineAppender async = new AsyncLineAppender();
        async.setContext(context);
        async.setName(ACCESS_APPENDER);
        async.setFlushEachBatch(true);
        async.addAppender(stdout);
        async.start();
        return async;
    }

    /** Where an operator's Logback configuration is, if there is one. */
    static Optional<String> operatorConfiguration(String configurationFile, ClassLoader loader) {
        if (configurationFile != null && !configurationFile.isBlank()) {
            return Optional.of("-D" + CONFIGURATION_FILE_PROPERTY + "=" + configurationFile.strip());
        }
        for (String name : CONFIGURATION_RESOURCES) {
            URL found = loader.getResource(name);
            if (found != null) {
                return Optional.of(found.toString());
            }
        }
        return Optional.empty();
    }

    private static Encoder<ILoggingEvent> encoder(LoggingConfig.Format format, LoggerContext context) {
        if (format == LoggingConfig.Format.JSON) {
            LogstashEncoder json = new LogstashEncoder();
            json.setContext(context);
            json.start();
            return json;
        }
        PatternLayoutEncoder text = new PatternLayoutEncoder();
        text.setContext(context);
        text.setPattern(TEXT_PATTERN);
        text.start();
        return text;
    }
}
