package io.ledgerstream.connectors.jdbc.sink;

import io.ledgerstream.connectors.jdbc.SqlErrors;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a database action, retrying it after transient errors ({@link SqlErrors#isTransient}) up to a number of
 * times, waiting a backoff that starts at the first wait and doubles up to a cap. Before each retry it calls the
 * given reset (to reconnect). A non-transient error, or a transient one after the last retry, is a
 * {@link JdbcWriteException} naming the table and the error.
 *
 * <p>Not thread-safe: one task thread uses it. The wait is injected, so tests run without sleeping.
 */
final class Retrier {
    private static final Logger LOG = LoggerFactory.getLogger(Retrier.class);

    /** A database action to run. */
    interface Action<T> {
        T run() throws SQLException;
    }

    /** How to wait between attempts. */
    interface Pause {
        void pause(Duration wait) throws InterruptedException;
    }

    private final String table;
    private final int maxRetries;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Pause pause;

    Retrier(String table, int maxRetries, Duration firstBackoff, Duration maxBackoff, Pause pause) {
        this.table = table;
        this.maxRetries = maxRetries;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.pause = pause;
    }

    /** The wait before retry number {@code retry} (from 1): the first backoff doubled {@code retry - 1} times. */
    Duration backoff(int retry) {
        Duration wait = firstBackoff;
        for (int i = 1; i < retry && wait.compareTo(maxBackoff) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(maxBackoff) > 0 ? maxBackoff : wait;
    }

    <T> T run(Action<T> action, Runnable reset) throws JdbcWriteException, InterruptedException {
        for (int retry = 0; ; retry++) {
            try {
                return action.run();
            } catch (SQLException e) {
                if (!SqlErrors.isTransient(e)) {
                    throw new JdbcWriteException("Writing to table " + table + " failed: " + SqlErrors.describe(e)
                            + " (not a transient error, so not retried)", e);
                }
                reset.run();
                if (retry == maxRetries) {
                    throw new JdbcWriteException("Writing to table " + table + " failed after " + maxRetries
                            + " retries; the last error: " + SqlErrors.describe(e), e);
                }
                Duration wait = backoff(retry + 1);
                LOG.warn("Writing to table {} failed with a transient error ({}); retry {} of {} in {} ms", table,
                        SqlErrors.describe(e), retry + 1, maxRetries, wait.toMillis());
                pause.pause(wait);
            }
        }
    }
}
