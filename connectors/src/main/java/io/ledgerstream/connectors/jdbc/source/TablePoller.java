package io.ledgerstream.connectors.jdbc.source;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.ledgerstream.connectors.jdbc.SqlErrors;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the table on the fetcher thread: each {@link #fetch} runs the {@link PollingQuery} from its own position
 * (which runs ahead of the checkpointed one by what is queued for emission) and returns the rows; after a poll
 * that did not fill a batch it waits {@code poll-interval} first, or less when woken. The connection is opened on
 * first use, when the key columns default to the table's primary key. A row that cannot be turned into JSON is a
 * failed record (for the dead-letter topic); an SQL error fails the fetch, and so the job, whose restart strategy
 * retries from the last checkpoint.
 *
 * <p>Thread-safe as Flink uses it: {@code fetch} and {@code handleSplitsChanges} on the fetcher thread,
 * {@link #wakeUp} from any thread.
 */
final class TablePoller implements SplitReader<PolledRow, TableSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(TablePoller.class);

    private final JdbcSourceSettings settings;
    private final PollingQuery query;
    private String splitId;
    private TablePosition position;
    private Connection connection;
    private RowRecords records;
    private boolean caughtUp;
    @GuardedBy("this")
    private boolean woken;

    TablePoller(JdbcSourceSettings settings) {
        this.settings = settings;
        this.query = new PollingQuery(settings);
    }

    @Override
    public RecordsWithSplitIds<PolledRow> fetch() throws IOException {
        if (splitId == null || (caughtUp && !waitForNextPoll())) {
            return new RecordsBySplits<>(Map.of(), Set.of());
        }
        List<PolledRow> rows;
        try {
            rows = poll();
        } catch (SQLException e) {
            disconnect();
            throw new IOException("Polling table " + settings.table() + " failed: " + SqlErrors.describe(e), e);
        }
        caughtUp = rows.size() < settings.batchRows();
        if (rows.isEmpty()) {
            return new RecordsBySplits<>(Map.of(), Set.of());
        }
        position = rows.get(rows.size() - 1).position();
        return new RecordsBySplits<>(Map.of(splitId, rows), Set.of());
    }

    @Override
    public void handleSplitsChanges(SplitsChange<TableSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            throw new UnsupportedOperationException("The jdbc source only adds splits, not " + change);
        }
        for (TableSplit split : change.splits()) {
            splitId = split.splitId();
            position = split.position();
            caughtUp = false;
            LOG.info("Polling table {} from {}", settings.table(), position);
        }
    }

    @Override
    public synchronized void wakeUp() {
        woken = true;
        notifyAll();
    }

    @Override
    public void close() {
        disconnect();
    }

    private List<PolledRow> poll() throws SQLException {
        Connection c = connection();
        List<PolledRow> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(query.sql(position))) {
            List<String> parameters = query.parameters(position);
            for (int i = 0; i < parameters.size(); i++) {
                s.setObject(i + 1, parameters.get(i), Types.OTHER);
            }
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    TablePosition after = query.positionAfter(rs);
                    rows.add(new PolledRow(record(rs, after), after));
                }
            }
        }
        return rows;
    }

    private ConnectorRecord record(ResultSet rs, TablePosition after) throws SQLException {
        String origin = "table " + settings.table() + " at " + after;
        try {
            ObjectNode value = records.value(rs);
            return ConnectorRecord.of(records.key(value), records.bytes(value), records.timestamp(value), origin);
        } catch (IOException e) {
            return ConnectorRecord.failed(null, null, origin, e);
        }
    }

    /** Waits {@code poll-interval}; false when woken before that. */
    private synchronized boolean waitForNextPoll() throws IOException {
        long deadline = System.nanoTime() + settings.pollInterval().toNanos();
        try {
            for (long left = settings.pollInterval().toNanos(); left > 0 && !woken;
                    left = deadline - System.nanoTime()) {
                wait(Math.max(1, left / 1_000_000));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while waiting to poll table " + settings.table(), e);
        }
        boolean wasWoken = woken;
        woken = false;
        return !wasWoken;
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = settings.endpoint().connect();
            List<String> keys = settings.keyColumns() != null ? settings.keyColumns() : primaryKey(c);
            if (keys.isEmpty()) {
                LOG.warn("Table {} has no primary key and the connector sets no key-columns: records have no key",
                        settings.table());
            }
            records = new RowRecords(keys, settings.timestampColumn());
            connection = c;
        }
        return connection;
    }

    private List<String> primaryKey(Connection c) throws SQLException {
        DatabaseMetaData meta = c.getMetaData();
        String schema = settings.table().schema() != null ? settings.table().schema() : c.getSchema();
        TreeMap<Short, String> columns = new TreeMap<>();
        try (ResultSet rs = meta.getPrimaryKeys(null, schema, settings.table().table())) {
            while (rs.next()) {
                columns.put(rs.getShort("KEY_SEQ"), rs.getString("COLUMN_NAME"));
            }
        }
        return List.copyOf(columns.values());
    }

    private void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing the connection failed", e);
            }
            connection = null;
        }
    }
}
