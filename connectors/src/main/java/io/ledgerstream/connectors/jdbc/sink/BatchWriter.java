package io.ledgerstream.connectors.jdbc.sink;

import java.sql.SQLException;

/** Where a sink writer's batches go: {@link TableWriter} for a real table, a fake in tests. */
interface BatchWriter extends AutoCloseable {
    /**
     * Writes the whole batch atomically, or nothing of it.
     *
     * @return the rows written or deleted
     */
    int write(ChangeBatch batch) throws SQLException;

    /** Drops the connection after a transient error, so the next write opens a new one. */
    void disconnect();

    @Override
    void close();
}
