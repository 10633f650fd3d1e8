package io.portcullis.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.read.ListAppender;
import io.portcullis.config.GatewayConfig.LoggingConfig;
import java.io.FileDescriptor;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class LoggingSetupTest {
    private static final LoggingConfig TEXT_WITH_LEVELS =
            new LoggingConfig(LoggingConfig.Format.TEXT, "warn", Map.of("io.portcullis.waf", "debug"));
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    /** Sees no logback.xml anywhere: as the WAR's class loader in a container with no operator configuration. */
    private final ClassLoader bare = new URLClassLoader(new URL[0], null);

    @TempDir
    Path dir;

    @AfterEach
    void restoreTheTestsLogging() throws Exception {
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void applyWhenNobodyConfiguredLogbackThenFormatRootLevelAndPerLoggerLevels() {
        assertTrue(LoggingSetup.apply(TEXT_WITH_LEVELS, null, bare));

        assertEquals(
                Level.WARN, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
        assertEquals(Level.DEBUG, context.getLogger("io.portcullis.waf").getLevel());
        assertTrue(context.getLogger("io.portcullis.waf.rules").isDebugEnabled());
        assertFalse(context.getLogger("io.portcullis.jwt").isInfoEnabled());
        assertEquals(Level.INFO, context.getLogger("org.eclipse.jetty").getLevel());
    }

    @Test
    void applyWhenNobodyConfiguredLogbackThenAccessLogWrittenByTheAsynchronousAppenderOnly() {
        assertTrue(LoggingSetup.apply(TEXT_WITH_LEVELS, null, bare));

        ch.qos.logback.classic.Logger access = context.getLogger(AccessLogStage.LOGGER_NAME);
        assertTrue(access.getAppender(LoggingSetup.ACCESS_APPENDER) instanceof AsyncLineAppender);
        assertTrue(access.getAppender(LoggingSetup.ACCESS_APPENDER).isStarted());
        assertFalse(access.isAdditive(), "not written a second time, synchronously, by the root's console");
        assertEquals(null, access.getLevel(), "the level still follows logging.level and logging.levels");
    }

    @Test
    void applyWhenTheGatewaysLoggingStopsThenTheContainersStandardOutputStaysOpen() {
        assertTrue(LoggingSetup.apply(TEXT_WITH_LEVELS, null, bare));

        context.stop();

        // Closing descriptor 1 would silence every later line of the container (and of other web applications).
        assertTrue(FileDescriptor.out.valid(), "standard output was closed");
    }

    @Test
    void applyWhenLogbackConfigurationFilePropertySetThenNothingChanged() {
        ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> operators = operatorsAppender();
        Level wafBefore = context.getLogger("io.portcullis.waf").getLevel();
        Level rootBefore = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel();

        assertFalse(LoggingSetup.apply(TEXT_WITH_LEVELS, "/etc/portcullis/logback.xml", bare));

        assertTrue(operators.isStarted());
        assertEquals(
                operators, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("operator"));
        assertEquals(wafBefore, context.getLogger("io.portcullis.waf").getLevel());
        assertEquals(
                rootBefore, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getLevel());
    }

    @Test
    void applyWhenLogbackXmlOnTheContainersClassPathThenNothingChanged() throws Exception {
        Files.writeString(dir.resolve("logback.xml"), "<configuration/>");
        ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> operators = operatorsAppender();

        try (URLClassLoader container =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertFalse(LoggingSetup.apply(TEXT_WITH_LEVELS, " ", container));
        }

        assertEquals(
                operators, context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("operator"));
    }

    @Test
    void operatorConfigurationWhenNoneThenEmptyElseWhereItIs() throws Exception {
        assertEquals(Optional.empty(), LoggingSetup.operatorConfiguration(null, bare));
        assertEquals(
                Optional.of("-Dlogback.configurationFile=/x/logback.xml"),
                LoggingSetup.operatorConfiguration(" /x/logback.xml ", bare));
        Files.writeString(dir.resolve("logback-test.xml"), "<configuration/>");
        try (URLClassLoader container =
                new URLClassLoader(new URL[] {dir.toUri().toURL()}, null)) {
            assertTrue(LoggingSetup.operatorConfiguration(null, container)
                    .orElseThrow()
                    .endsWith("logback-test.xml"));
        }
    }

    private ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> operatorsAppender() {
        ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new ListAppender<>();
        appender.setContext(context);
        appender.setName("operator");
        appender.start();
        context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).addAppender(appender);
        return appender;
    }
}
