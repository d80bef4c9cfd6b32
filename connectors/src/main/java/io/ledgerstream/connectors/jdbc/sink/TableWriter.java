package io.ledgerstream.connectors.jdbc.sink;

import io.ledgerstream.connectors.jdbc.JdbcEndpoint;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one {@link ChangeBatch} to the table in one transaction over a connection it opens on first use and
 * keeps: the deletes as one JDBC batch, then one JDBC batch per set of upserted columns, then commit. Every value
 * is bound as text of unspecified type ({@code Types.OTHER}), so PostgreSQL casts it to the column's type as it
 * would a literal: numbers into numeric and integer columns, ISO-8601 text into timestamptz, true/false into
 * boolean, JSON text into json and jsonb.
 *
 * <p>Not thread-safe: the sink writer's task thread owns it.
 */
final class TableWriter implements BatchWriter {
    private static final Logger LOG = LoggerFactory.getLogger(TableWriter.class);

    private final JdbcEndpoint endpoint;
    private final UpsertStatements sql;
    private Connection connection;

    TableWriter(JdbcEndpoint endpoint, UpsertStatements sql) {
        this.endpoint = endpoint;
        this.sql = sql;
    }

    /**
     * Writes the batch and commits; on any error rolls back (when the connection still answers) and throws, the
     * batch untouched so that it can be written again.
     *
     * @return the rows written or deleted
     */
    @Override
    public int write(ChangeBatch batch) throws SQLException {
        Connection c = connection();
        int rows = 0;
        try {
            List<List<String>> deletes = batch.deletes();
            if (!deletes.isEmpty()) {
                try (PreparedStatement s = c.prepareStatement(sql.delete())) {
                    for (List<String> key : deletes) {
                        bind(s, key);
                        s.addBatch();
                    }
                    s.executeBatch();
                }
            }
            for (Map.Entry<List<String>, List<List<String>>> group : batch.upsertsByColumns().entrySet()) {
                try (PreparedStatement s = c.prepareStatement(sql.upsert(group.getKey()))) {
                    for (List<String> values : group.getValue()) {
                        bind(s, values);
                        s.addBatch();
                    }
                    s.executeBatch();
                }
                rows += group.getValue().size();
            }
            c.commit();
            return rows + deletes.size();
        } catch (SQLException e) {
            rollback(c, e);
            throw e;
        }
    }

    @Override
    public void disconnect() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                LOG.debug("Closing a broken connection failed too", e);
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        disconnect();
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            Connection c = endpoint.connect();
            c.setAutoCommit(false);
            connection = c;
        }
        return connection;
    }

    private static void bind(PreparedStatement s, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            if (v == null) {
                s.setNull(i + 1, Types.OTHER);
            } else {
                s.setObject(i + 1, v, Types.OTHER);
            }
        }
    }

    private static void rollback(Connection c, SQLException cause) {
        try {
            c.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
