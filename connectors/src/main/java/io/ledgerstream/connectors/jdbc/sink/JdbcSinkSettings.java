package io.ledgerstream.connectors.jdbc.sink;

import io.ledgerstream.connectors.config.Settings;
import io.ledgerstream.connectors.jdbc.JdbcEndpoint;
import io.ledgerstream.connectors.jdbc.TableName;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;

/**
 * A {@code jdbc} sink block, validated: where to write, the primary key, and how to batch and retry.
 *
 * <p>Immutable.
 *
 * @param primaryKey the table's primary-key columns, in order; the {@code ON CONFLICT} target
 * @param batchSize rows (distinct keys) after which a batch is written
 * @param flushInterval the longest a record waits in a batch
 * @param maxRetries retries of a batch after a transient error before the job fails
 * @param retryBackoff the first wait between retries, doubling up to {@link #MAX_BACKOFF}
 */
public record JdbcSinkSettings(JdbcEndpoint endpoint, TableName table, List<String> primaryKey, int batchSize,
                               Duration flushInterval, int maxRetries, Duration retryBackoff)
        implements Serializable {
    public static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    public JdbcSinkSettings {
        primaryKey = List.copyOf(primaryKey);
    }

    /** Reads a {@code sink:} block of type {@code jdbc}. */
    public static JdbcSinkSettings read(Settings block) {
        JdbcEndpoint endpoint = JdbcEndpoint.read(block);
        TableName table = TableName.read(block);
        List<String> primaryKey = block.strings("primary-key");
        if (new HashSet<>(primaryKey).size() != primaryKey.size()) {
            throw block.problem("primary-key", "names a column twice");
        }
        return new JdbcSinkSettings(endpoint, table, primaryKey,
                block.integer("batch-size", 500, 1, 100_000),
                block.duration("flush-interval", Duration.ofSeconds(1), Duration.ofMillis(10)),
                block.integer("max-retries", 5, 0, 100),
                block.duration("retry-backoff", Duration.ofMillis(500), Duration.ofMillis(1)));
    }
}
