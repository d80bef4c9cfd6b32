package io.ledgerstream.connectors.postgres;

import io.ledgerstream.connectors.postgres.PgOutput.Column;
import io.ledgerstream.connectors.postgres.PgOutput.Relation;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.postgresql.PGProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a {@code postgres-cdc} source asks of the database besides the stream: connections, the publication, the
 * slot, the tables' columns and keys, and how much WAL the slot holds back.
 *
 * <p>Static helpers; each call uses the connection it is given from one thread.
 */
final class Replication {
    private static final Logger LOG = LoggerFactory.getLogger(Replication.class);
    private static final Duration SLOT_RELEASE_WAIT = Duration.ofSeconds(90);

    private Replication() {
    }

    static Connection connect(CdcSettings settings) throws SQLException {
        return DriverManager.getConnection(settings.url(), settings.properties());
    }

    /** A replication connection, which can create slots and stream changes. */
    static Connection connectForReplication(CdcSettings settings) throws SQLException {
        Properties p = settings.properties();
        PGProperty.REPLICATION.set(p, "database");
        PGProperty.ASSUME_MIN_SERVER_VERSION.set(p, "10");
        PGProperty.PREFER_QUERY_MODE.set(p, "simple");
        return DriverManager.getConnection(settings.url(), p);
    }

    /** Creates the publication when missing, and adds any of the tables it lacks. */
    static void ensurePublication(Connection c, CdcSettings settings) throws SQLException {
        List<String> present = new ArrayList<>();
        boolean exists;
        try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            s.setString(1, settings.publication());
            try (ResultSet r = s.executeQuery()) {
                exists = r.next();
            }
        }
        if (!exists) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE PUBLICATION " + settings.publication() + " FOR TABLE "
                        + String.join(", ", settings.tables()));
            }
            LOG.info("Created publication {} for {}", settings.publication(), settings.tables());
            return;
        }
        try (PreparedStatement s = c.prepareStatement(
                "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = ?")) {
            s.setString(1, settings.publication());
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    present.add(r.getString(1));
                }
            }
        }
        for (String table : settings.tables()) {
            if (!present.contains(table)) {
                try (Statement s = c.createStatement()) {
                    s.execute("ALTER PUBLICATION " + settings.publication() + " ADD TABLE " + table);
                }
                LOG.info("Added {} to publication {}", table, settings.publication());
            }
        }
    }

    /**
     * A table's columns in order, with its primary key marked.
     *
     * @throws SQLException when the table does not exist or has no primary key
     */
    static Relation relation(Connection c, String qualifiedTable) throws SQLException {
        String[] parts = qualifiedTable.split("\\.", 2);
        List<Column> columns = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT a.attname, a.atttypid, coalesce(a.attnum = ANY (i.indkey), false)
                FROM pg_attribute a
                JOIN pg_class t ON t.oid = a.attrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                LEFT JOIN pg_index i ON i.indrelid = t.oid AND i.indisprimary
                WHERE n.nspname = ? AND t.relname = ? AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attnum""")) {
            s.setString(1, parts[0]);
            s.setString(2, parts[1]);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    columns.add(new Column(r.getString(1), r.getInt(2), r.getBoolean(3)));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("Table " + qualifiedTable + " does not exist");
        }
        if (columns.stream().noneMatch(Column::key)) {
            throw new SQLException("Table " + qualifiedTable + " has no primary key; postgres-cdc keys its records "
                    + "by it");
        }
        return new Relation(0, parts[0], parts[1], List.copyOf(columns));
    }

    /** Whether the slot exists. */
    static boolean slotExists(Connection c, String slot) throws SQLException {
        return slotLag(c, slot).isPresent();
    }

    /** Bytes of WAL between the server's current position and what the slot confirmed; empty without the slot. */
    static Optional<Long> slotLag(Connection c, String slot) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT coalesce(pg_wal_lsn_diff(pg_current_wal_lsn(), "
                + "confirmed_flush_lsn), 0) FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(r.getLong(1)) : Optional.empty();
            }
        }
    }

    /**
     * Waits until no connection streams from the slot. A consumer that died without closing its connection (a
     * killed TaskManager) holds the slot until the server notices, after {@code wal_sender_timeout} (60 s by
     * default); this waits a little longer than that.
     *
     * @throws SQLException naming the process that still holds the slot after the wait
     */
    static void awaitSlotInactive(Connection c, String slot) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + SLOT_RELEASE_WAIT.toNanos();
        boolean logged = false;
        while (true) {
            Integer pid = null;
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT active_pid FROM pg_replication_slots WHERE slot_name = ? AND active")) {
                s.setString(1, slot);
                try (ResultSet r = s.executeQuery()) {
                    if (r.next()) {
                        pid = r.getInt(1);
                    }
                }
            }
            if (pid == null) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new SQLException("The replication slot " + slot + " is still in use by server process " + pid
                        + " after " + SLOT_RELEASE_WAIT.toSeconds() + " s: another consumer reads it");
            }
            if (!logged) {
                LOG.info("Replication slot {} is in use by server process {}; waiting for it to be released", slot,
                        pid);
                logged = true;
            }
            Thread.sleep(500);
        }
    }

    /** Drops the slot if it exists, once no consumer is attached to it. */
    static void dropSlot(Connection c, String slot) throws SQLException, InterruptedException {
        if (slotExists(c, slot)) {
            awaitSlotInactive(c, slot);
            try (PreparedStatement s = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                s.setString(1, slot);
                s.execute();
            }
            LOG.info("Dropped replication slot {}", slot);
        }
    }

    static void dropPublication(Connection c, String publication) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("DROP PUBLICATION IF EXISTS " + publication);
        }
    }
}
