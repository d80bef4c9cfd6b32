package io.ledgerstream.connectors;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.connectors.testing.ConnectorRunner;
import io.ledgerstream.connectors.testing.PostgresServer;
import io.ledgerstream.jobs.testing.JobTestbed;
import io.ledgerstream.log.testing.Await;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One database's table through a topic into a second database: postgres-cdc into a topic, the jdbc sink from it.
 * Inserts, updates and deletes arrive in order per key across a TaskManager kill and a stop and start of both
 * connectors from savepoints; after both the sink table equals the source table and the topic holds each change
 * exactly once.
 */
class CdcToJdbcITCase {
    private static final Duration WAIT = Duration.ofSeconds(120);
    @TempDir
    static Path dir;
    private static PostgresServer postgres;
    private static JobTestbed testbed;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
        postgres.createDatabase("origin");
        postgres.createDatabase("copy");
        String table = "CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL, balance numeric(12,2) NOT "
                + "NULL, opened timestamptz NOT NULL, active boolean NOT NULL)";
        postgres.execute("origin", table);
        postgres.execute("copy", table);
        testbed = JobTestbed.start(dir);
        testbed.createTopics("accounts", 3);
    }

    @AfterAll
    static void stop() throws Exception {
        if (testbed != null) {
            testbed.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    private static String source() {
        return String.join("\n", "name: accounts-cdc", "source:", "  type: postgres-cdc",
                "  port: " + postgres.port(), "  database: origin", "  user: postgres", "  tables: [accounts]",
                "  envelope: row", "topic: accounts", "bootstrap-servers: " + testbed.bootstrap(),
                "checkpoint-interval: 300 ms", "");
    }

    private static String sink() {
        return String.join("\n", "name: accounts-copy", "sink:", "  type: jdbc", "  url: " + postgres.url("copy"),
                "  user: postgres", "  table: accounts", "  primary-key: [id]", "topics: [accounts]",
                "bootstrap-servers: " + testbed.bootstrap(), "checkpoint-interval: 300 ms", "");
    }

    @Test
    void theCopyEqualsTheOriginAfterAKillAndARestartFromSavepoints() throws Exception {
        for (int id = 1; id <= 20; id++) {
            postgres.execute("origin", "INSERT INTO accounts VALUES (" + id + ", 'owner " + id + "', " + id
                    + ".25, '2026-12-01 10:00:00+00', true)");
        }
        JobClient cdc = ConnectorRunner.run(testbed.flink(), dir.resolve("cp-cdc"), source(), Optional.empty());
        JobClient copy = ConnectorRunner.run(testbed.flink(), dir.resolve("cp-copy"), sink(), Optional.empty());
        // Changes start once the snapshot is committed: a failure before that takes a new snapshot, which holds
        // the changes made meanwhile as rows rather than one record each.
        Await.until("the snapshot in the copy", WAIT, () -> table("copy").size() == 20);
        int changes = 20;
        changes += changes(21, 60, true);
        Await.until("the copy to catch up", WAIT, () -> table("copy").equals(table("origin")));

        Path savepoints = dir.resolve("savepoints");
        Path cdcSavepoint = Path.of(URI.create(cdc.stopWithSavepoint(false, savepoints.toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS)));
        Path copySavepoint = Path.of(URI.create(copy.stopWithSavepoint(false, savepoints.toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS)));
        // Changes while both are stopped wait in the slot.
        changes += changes(61, 80, false);
        cdc = ConnectorRunner.run(testbed.flink(), dir.resolve("cp-cdc"), source(), Optional.of(cdcSavepoint));
        copy = ConnectorRunner.run(testbed.flink(), dir.resolve("cp-copy"), sink(), Optional.of(copySavepoint));
        try {
            Await.until("the copy to catch up after the restart", WAIT,
                    () -> table("copy").equals(table("origin")));
            assertThat(table("copy")).hasSizeGreaterThan(30);
            // Each change once: a record per insert and update, a tombstone per delete.
            int expected = changes;
            try (JobTestbed.TopicReader reader = testbed.reader("accounts")) {
                Await.until(expected + " records", WAIT, () -> reader.poll().size() >= expected);
                assertThat(reader.poll()).hasSize(expected);
            }
        } finally {
            cdc.cancel().get();
            copy.cancel().get();
        }
    }

    /**
     * Inserts ids from..to, updates every third row seen so far and deletes every fifth, each in its own
     * transaction; kills both TaskManagers halfway when asked.
     *
     * @return the records these changes make in the topic
     */
    private static int changes(int from, int to, boolean kill) throws Exception {
        int records = 0;
        for (int id = from; id <= to; id++) {
            postgres.execute("origin", "INSERT INTO accounts VALUES (" + id + ", 'owner " + id + "', 0, now(), true)");
            records++;
            if (id % 3 == 0) {
                postgres.execute("origin", "UPDATE accounts SET balance = balance + 10.5, active = false WHERE id = "
                        + (id - 2));
                records++;
            }
            if (id % 5 == 0) {
                postgres.execute("origin", "DELETE FROM accounts WHERE id = " + (id - 4));
                records++;
            }
            if (kill && id == (from + to) / 2) {
                testbed.killAndReplaceTaskManager();
                testbed.killAndReplaceTaskManager();
            }
        }
        return records;
    }

    /** The table's rows as text, by id. */
    private static TreeMap<Integer, String> table(String database) {
        TreeMap<Integer, String> rows = new TreeMap<>();
        try (Connection c = postgres.connect(database); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT id, owner, balance, opened, active FROM accounts")) {
            while (r.next()) {
                rows.put(r.getInt(1), r.getString(2) + "|" + r.getBigDecimal(3) + "|"
                        + r.getTimestamp(4).toInstant() + "|" + r.getBoolean(5));
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return rows;
    }

}
