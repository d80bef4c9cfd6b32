package io.ledgerstream.log.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * What every logger of this process logs at WARN (or another level) or above while this is open, one line per event
 * ("LEVEL logger - message", and the exception if there is one), after the test configuration's own filters.
 */
public final class LoggedWarnings implements AutoCloseable {
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final LoggerContext context = LoggerContext.getContext(false);
    private final AbstractAppender appender = new AbstractAppender("logged-warnings-" + System.identityHashCode(this),
            null, null, true, Property.EMPTY_ARRAY) {
        @Override
        public void append(LogEvent event) {
            lines.add(event.getLevel() + " " + event.getLoggerName() + " - " + event.getMessage().getFormattedMessage()
                    + (event.getThrown() == null ? "" : " " + event.getThrown()));
        }
    };

    private LoggedWarnings(Level level) {
        appender.start();
        root().addAppender(appender, level, null);
        context.updateLoggers();
    }

    public static LoggedWarnings start() {
        return new LoggedWarnings(Level.WARN);
    }

    /** What is logged at {@code level} or above, where the test configuration lets it through. */
    public static LoggedWarnings start(Level level) {
        return new LoggedWarnings(level);
    }

    /** The events so far. */
    public List<String> lines() {
        return List.copyOf(lines);
    }

    private LoggerConfig root() {
        return context.getConfiguration().getRootLogger();
    }

    @Override
    public void close() {
        root().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
