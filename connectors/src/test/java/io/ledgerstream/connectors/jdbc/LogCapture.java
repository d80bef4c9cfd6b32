package io.ledgerstream.connectors.jdbc;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects the warnings one class logs while a test runs (the MiniCluster's tasks log in the test's JVM), so a test
 * can wait for a retry it cannot otherwise see.
 *
 * <p>Thread-safe: tasks append from their own threads.
 */
public final class LogCapture implements AutoCloseable {
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final String logger;
    private final AbstractAppender appender;

    public LogCapture(Class<?> source) {
        logger = source.getName();
        Configurator.setLevel(logger, Level.WARN);
        appender = new AbstractAppender("capture-" + source.getSimpleName(), null, null, true,
                Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                messages.add(event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        LoggerContext context = LoggerContext.getContext(false);
        context.getConfiguration().getLoggerConfig(logger).addAppender(appender, Level.WARN, null);
        context.updateLoggers();
    }

    public List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        LoggerContext context = LoggerContext.getContext(false);
        context.getConfiguration().getLoggerConfig(logger).removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
