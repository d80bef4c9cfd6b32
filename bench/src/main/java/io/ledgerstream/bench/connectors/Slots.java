package io.ledgerstream.bench.connectors;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Replication slots as the benchmark watches and cleans them up: whether a consumer is attached, and dropping one
 * once none is.
 *
 * <p>Stateless; thread-safe.
 */
final class Slots {
    private Slots() {
    }

    /**
     * Waits until a walsender streams from the slot.
     *
     * @return {@link System#nanoTime} when it was first seen streaming (polled every 5 ms)
     */
    static long awaitActive(Connection c, String slot, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!active(c, slot)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Nothing streams from slot " + slot + " after " + timeout.toSeconds()
                        + " s");
            }
            Thread.sleep(5);
        }
        return System.nanoTime();
    }

    /** Drops the slot once nothing streams from it (bounded wait); nothing if it does not exist. */
    static void drop(Connection c, String slot) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (active(c, slot) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pg_drop_replication_slot(slot_name) FROM "
                + "pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            s.execute();
        }
    }

    private static boolean active(Connection c, String slot) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT active FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet r = s.executeQuery()) {
                return r.next() && r.getBoolean(1);
            }
        }
    }
}
