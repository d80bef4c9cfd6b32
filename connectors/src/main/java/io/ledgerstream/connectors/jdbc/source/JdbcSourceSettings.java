package io.ledgerstream.connectors.jdbc.source;

import io.ledgerstream.connectors.config.Settings;
import io.ledgerstream.connectors.jdbc.JdbcEndpoint;
import io.ledgerstream.connectors.jdbc.TableName;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * A {@code jdbc} source block, validated.
 *
 * <p>Immutable.
 *
 * @param incrementingColumn the incrementing column: required in incrementing mode, the tie-breaker (or null) in
 *     timestamp mode
 * @param timestampColumn the timestamp column in timestamp mode, else null
 * @param keyColumns the columns of each record's key, or null for the table's primary key (looked up at start)
 * @param timestampDelay timestamp mode reads only rows older than this, to give transactions that started before
 *     a row's timestamp time to commit
 */
public record JdbcSourceSettings(JdbcEndpoint endpoint, TableName table, PollMode mode, String incrementingColumn,
                                 String timestampColumn, List<String> keyColumns, Duration pollInterval,
                                 int batchRows, Duration timestampDelay) implements Serializable {

    /** Reads a {@code source:} block of type {@code jdbc}. */
    public static JdbcSourceSettings read(Settings block) {
        JdbcEndpoint endpoint = JdbcEndpoint.read(block);
        TableName table = TableName.read(block);
        if (!block.has("mode")) {
            throw block.problem("mode", "is required: incrementing or timestamp");
        }
        PollMode mode = PollMode.valueOf(block.oneOf("mode", "incrementing", List.of("incrementing", "timestamp"))
                .toUpperCase(Locale.ROOT));
        String incrementing = block.optionalString("incrementing-column").orElse(null);
        String timestamp = block.optionalString("timestamp-column").orElse(null);
        if (mode == PollMode.INCREMENTING && incrementing == null) {
            throw block.problem("incrementing-column", "is required with mode: incrementing");
        }
        if (mode == PollMode.INCREMENTING && timestamp != null) {
            throw block.problem("timestamp-column", "is only for mode: timestamp");
        }
        if (mode == PollMode.TIMESTAMP && timestamp == null) {
            throw block.problem("timestamp-column", "is required with mode: timestamp");
        }
        Duration delay = block.duration("timestamp-delay", Duration.ofSeconds(1), Duration.ZERO);
        if (mode == PollMode.INCREMENTING && block.has("timestamp-delay")) {
            throw block.problem("timestamp-delay", "is only for mode: timestamp");
        }
        return new JdbcSourceSettings(endpoint, table, mode, incrementing, timestamp,
                block.optionalStrings("key-columns").map(List::copyOf).orElse(null),
                block.duration("poll-interval", Duration.ofSeconds(1), Duration.ofMillis(10)),
                block.integer("batch-rows", 1000, 1, 100_000), delay);
    }
}
