package io.ledgerstream.connectors.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.connectors.testing.ConnectorRunner;
import io.ledgerstream.connectors.testing.PostgresServer;
import io.ledgerstream.jobs.testing.JobTestbed;
import io.ledgerstream.log.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code postgres-cdc} source against a real PostgreSQL and the real platform: a snapshot of existing rows,
 * then inserts, updates and deletes in order per key, exactly once in the topic across a TaskManager kill, with the
 * slot confirmed only up to completed checkpoints.
 */
class PostgresCdcITCase {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    private static PostgresServer postgres;
    private static JobTestbed testbed;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
        postgres.createDatabase("shop");
        testbed = JobTestbed.start(dir);
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

    private static String yaml(String name, String topic, String table) {
        return String.join("\n",
                "name: " + name,
                "source:",
                "  type: postgres-cdc",
                "  port: " + postgres.port(),
                "  database: shop",
                "  user: postgres",
                "  tables: [" + table + "]",
                "topic: " + topic,
                "bootstrap-servers: " + testbed.bootstrap(),
                "checkpoint-interval: 300 ms",
                "");
    }

    @Test
    void snapshotThenChangesExactlyOnceAcrossATaskManagerKill() throws Exception {
        postgres.execute("shop", "CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, "
                        + "amount numeric(10,2), placed timestamptz, tags jsonb)",
                "INSERT INTO orders VALUES (1, 'c-1', 10.50, '2026-12-01 10:00:00+00', '{\"vip\": true}'), "
                        + "(2, 'c-2', 20.00, null, null), (3, 'c-3', 30.00, null, null)");
        testbed.createTopics("orders", 3);
        JobClient job = ConnectorRunner.run(testbed.flink(), dir.resolve("cp-orders"),
                yaml("orders-cdc", "orders", "public.orders"), Optional.empty());
        try (JobTestbed.TopicReader reader = testbed.reader("orders")) {
            Await.until("the snapshot's 3 rows", WAIT, () -> reader.poll().size() >= 3);
            List<ConsumerRecord<byte[], byte[]>> snapshot = reader.poll();
            JsonNode first = byKey(snapshot).get("{\"id\":1}").get(0);
            assertThat(first.get("op").asText()).isEqualTo("r");
            assertThat(first.get("after").get("amount").asText()).isEqualTo("10.50");
            assertThat(first.get("after").get("placed").asText()).isEqualTo("2026-12-01T10:00:00Z");
            assertThat(first.get("after").get("tags").get("vip").asBoolean()).isTrue();
            assertThat(first.get("source").get("snapshot").asBoolean()).isTrue();

            // Changes before and after a TaskManager dies, each in its own transaction: ids 10-29 inserted, then
            // updated (10-19 twice), then 20-29 deleted.
            int changes = 0;
            for (int i = 0; i < 60; i++) {
                int id = 10 + i % 20;
                if (i < 20) {
                    postgres.execute("shop", "INSERT INTO orders VALUES (" + id + ", 'c-" + id + "', " + i + ", "
                            + "null, null)");
                } else if (i < 50) {
                    postgres.execute("shop", "UPDATE orders SET amount = amount + 1 WHERE id = " + id);
                } else {
                    postgres.execute("shop", "DELETE FROM orders WHERE id = " + id);
                }
                changes++;
                if (i == 30) {
                    // Both TaskManagers of the testbed, so the one running the source surely dies.
                    testbed.killAndReplaceTaskManager();
                    testbed.killAndReplaceTaskManager();
                }
            }
            // A primary key change: a delete of the old key and a create of the new.
            postgres.execute("shop", "UPDATE orders SET id = 100 WHERE id = 2");
            int deletes = 10;
            int expected = 3 + changes + deletes + 3;
            Await.until(expected + " records", WAIT, () -> reader.poll().size() >= expected);
            Map<String, List<JsonNode>> keys = byKey(reader.poll());
            assertThat(reader.poll()).hasSize(expected);
            // In order per key, each change once.
            List<String> ops = keys.get("{\"id\":10}").stream().map(e -> e == null ? "tombstone"
                    : e.get("op").asText() + e.get("after").path("amount").asText()).toList();
            assertThat(ops).containsExactly("c0.00", "u1.00", "u2.00");
            List<String> moved = keys.get("{\"id\":2}").stream().map(e -> e == null ? "tombstone"
                    : e.get("op").asText()).toList();
            assertThat(moved).containsExactly("r", "d", "tombstone");
            assertThat(keys.get("{\"id\":100}").get(0).get("op").asText()).isEqualTo("c");
            assertThat(keys.get("{\"id\":25}").stream().map(e -> e == null ? "tombstone" : e.get("op").asText()))
                    .containsExactly("c", "u", "d", "tombstone");
        } finally {
            job.cancel().get();
        }
        // The slot never confirmed past what a checkpoint holds; nothing else reads it.
        try (Connection c = postgres.connect("shop"); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT confirmed_flush_lsn IS NOT NULL FROM pg_replication_slots "
                     + "WHERE slot_name = 'ledgerstream_orders_cdc'")) {
            assertThat(r.next()).isTrue();
            assertThat(r.getBoolean(1)).isTrue();
        }
    }

    private static Map<String, List<JsonNode>> byKey(List<ConsumerRecord<byte[], byte[]>> records) throws Exception {
        Map<String, List<JsonNode>> keys = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
            keys.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
                    .add(r.value() == null ? null : JSON.readTree(r.value()));
        }
        return keys;
    }

}
