package io.portcullis.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * Meters of the log: {@code portcullis.log.dropped}, the lines every {@link AsyncLineAppender} in Logback's
 * configuration dropped because its queue was full — the gateway's own access-log appender, and any an
 * operator's {@code logback.xml} declares. Registers nothing when Logback is not the backend.
 */
public final class LogMeters {
    private LogMeters() {}

    public static void register(MeterRegistry meters) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        FunctionCounter.builder("portcullis.log.dropped", context, LogMeters::dropped)
                .description("Log lines an asynchronous appender dropped because its queue was full")
                .register(meters);
    }

    /** Sums the dropped lines of the asynchronous appenders attached now (the configuration may be reloaded). */
    static double dropped(LoggerContext context) {
        long total = 0;
        for (AsyncLineAppender appender : asyncAppenders(context)) {
            total += appender.dropped();
        }
        return total;
    }

    static List<AsyncLineAppender> asyncAppenders(LoggerContext context) {
        List<AsyncLineAppender> found = new ArrayList<>();
        for (Logger logger : context.getLoggerList()) {
            for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                if (it.next() instanceof AsyncLineAppender async && !found.contains(async)) {
                    found.add(async);
                }
            }
        }
        return found;
    }
}
