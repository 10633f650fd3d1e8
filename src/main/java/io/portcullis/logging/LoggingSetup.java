package io.portcullis.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import io.portcullis.config.GatewayConfig.LoggingConfig;
import net.logstash.logback.encoder.LogstashEncoder;
import org.slf4j.ILoggerFactory;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging.format} and {@code logging.level} to Logback when Logback is the SLF4J backend
 * (Tomcat, or any container that leaves the WAR its own logging). Where the container supplies its own
 * backend (Jetty shares its SLF4J with webapps), the container's logging configuration rules and only the
 * access-log lines' own format applies.
 */
public final class LoggingSetup {
    private static final String TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%logger{0}] %msg %kvp%n";

    private LoggingSetup() {}

    /** @return false when the backend is not Logback and nothing was changed */
    public static boolean apply(LoggingConfig config) {
        ILoggerFactory factory = LoggerFactory.getILoggerFactory();
        if (!(factory instanceof LoggerContext context)) {
            return false;
        }
        context.reset();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("console");
        console.setEncoder(encoder(config.format(), context));
        console.start();
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(config.level(), Level.INFO));
        root.addAppender(console);
        // Jetty's client logs every header, Authorization included, at DEBUG: keep it above that.
        context.getLogger("org.eclipse.jetty").setLevel(Level.INFO);
        context.getLogger("io.netty").setLevel(Level.INFO);
        context.getLogger("io.lettuce").setLevel(Level.INFO);
        // The Redis circuit breaker logs one line per state change; Lettuce's watchdog would add a WARN for
        // every reconnect attempt (about one a second) while Redis is away.
        context.getLogger("io.lettuce.core.protocol.ConnectionWatchdog").setLevel(Level.ERROR);
        return true;
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
