package io.ledgerstream.cli;

import java.nio.file.Path;
import org.apache.logging.log4j.core.LoggerContext;

/**
 * A command's log in a file: while it is open, this process logs to a file instead of the terminal, so that the
 * terminal shows only the command's own lines (the quick start's table, {@code connect run}'s connectors). Closing
 * it sends the log back where it went before.
 * It sets the two system properties the launcher's Log4j 2 configuration ({@code log4j2.xml}) reads, and has Log4j
 * load that configuration again.
 *
 * <p>Not thread-safe: one such command at a time in a process.
 */
public final class FileLog implements AutoCloseable {
    static final String FILE_PROPERTY = "ledgerstream.log.file";
    static final String APPENDER_PROPERTY = "ledgerstream.log.appender";

    private final Path file;
    private final String previousFile;
    private final String previousAppender;

    private FileLog(Path file, String previousFile, String previousAppender) {
        this.file = file;
        this.previousFile = previousFile;
        this.previousAppender = previousAppender;
    }

    /** Sends the log to {@code file} (appended to; created with its folder when the first line comes). */
    public static FileLog open(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        FileLog log = new FileLog(absolute, System.getProperty(FILE_PROPERTY),
                System.getProperty(APPENDER_PROPERTY));
        System.setProperty(FILE_PROPERTY, absolute.toString());
        System.setProperty(APPENDER_PROPERTY, "file");
        LoggerContext.getContext(false).reconfigure();
        return log;
    }

    /** The log file, absolute and normalized. */
    public Path file() {
        return file;
    }

    @Override
    public void close() {
        restore(FILE_PROPERTY, previousFile);
        restore(APPENDER_PROPERTY, previousAppender);
        LoggerContext.getContext(false).reconfigure();
    }

    private static void restore(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
