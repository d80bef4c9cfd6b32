package io.ledgerstream.connectors.jdbc.source;

import io.ledgerstream.connectors.jdbc.TableName;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The query that reads the next rows after a position, and the position a row moves it to:
 * <ul>
 *   <li>incrementing: {@code WHERE id > ? ORDER BY id LIMIT n};
 *   <li>timestamp with an incrementing tie-breaker: {@code WHERE (ts > ? OR (ts = ? AND id > ?)) AND ts < now() -
 *       delay ORDER BY ts, id LIMIT n};
 *   <li>timestamp alone: all rows with {@code ts > ?} up to the n-th next timestamp, ties included, so that rows
 *       sharing the last timestamp are never split between two polls (a poll may then return more than n rows).
 * </ul>
 * The first poll has no lower bound. Parameters are the position's text, bound with unspecified type.
 *
 * <p>Immutable and thread-safe.
 */
final class PollingQuery {
    private final PollMode mode;
    private final String table;
    private final String ts;
    private final String id;
    private final int limit;
    private final String settled;

    PollingQuery(JdbcSourceSettings settings) {
        this.mode = settings.mode();
        this.table = settings.table().sql();
        this.ts = settings.timestampColumn() == null ? null : TableName.quote(settings.timestampColumn());
        this.id = settings.incrementingColumn() == null ? null : TableName.quote(settings.incrementingColumn());
        this.limit = settings.batchRows();
        long delayMs = settings.timestampDelay().toMillis();
        this.settled = ts == null ? null : delayMs == 0 ? ts + " IS NOT NULL"
                : ts + " < now() - interval '" + delayMs + " milliseconds'";
    }

    String sql(TablePosition from) {
        boolean start = from.isStart();
        if (mode == PollMode.INCREMENTING) {
            return "SELECT * FROM " + table + " WHERE " + (start ? id + " IS NOT NULL" : id + " > ?")
                    + " ORDER BY " + id + " LIMIT " + limit;
        }
        if (id != null) {
            String after = start ? "" : "(" + ts + " > ? OR (" + ts + " = ? AND " + id + " > ?)) AND ";
            return "SELECT * FROM " + table + " WHERE " + after + settled + " ORDER BY " + ts + ", " + id
                    + " LIMIT " + limit;
        }
        String after = start ? "" : ts + " > ? AND ";
        return "SELECT * FROM " + table + " WHERE " + after + ts + " <= (SELECT max(" + ts + ") FROM (SELECT "
                + ts + " FROM " + table + " WHERE " + after + settled + " ORDER BY " + ts + " LIMIT " + limit
                + ") AS next_rows) ORDER BY " + ts;
    }

    /** The parameters of {@link #sql} for the same position, in order. */
    List<String> parameters(TablePosition from) {
        List<String> p = new ArrayList<>();
        if (from.isStart()) {
            return p;
        }
        if (mode == PollMode.INCREMENTING) {
            p.add(from.incrementing());
        } else if (id != null) {
            p.addAll(List.of(from.timestamp(), from.timestamp(), from.incrementing()));
        } else {
            p.addAll(List.of(from.timestamp(), from.timestamp()));
        }
        return p;
    }

    /** The position just after the result set's current row. */
    TablePosition positionAfter(ResultSet row) throws SQLException {
        return new TablePosition(ts == null ? null : row.getString(unquoted(ts)),
                id == null ? null : row.getString(unquoted(id)));
    }

    private static String unquoted(String quoted) {
        return quoted.substring(1, quoted.length() - 1).replace("\"\"", "\"");
    }
}
