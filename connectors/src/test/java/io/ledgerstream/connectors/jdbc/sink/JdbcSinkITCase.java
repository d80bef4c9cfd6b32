package io.ledgerstream.connectors.jdbc.sink;

import static io.ledgerstream.connectors.testing.TestbedConnectors.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.connectors.jdbc.LogCapture;
import io.ledgerstream.connectors.testing.PostgresServer;
import io.ledgerstream.connectors.testing.TestbedConnectors;
import io.ledgerstream.jobs.RetainedSnapshots;
import io.ledgerstream.jobs.testing.JobTestbed;
import io.ledgerstream.log.testing.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.util.ExceptionUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jdbc sink as a connector job: a Flink MiniCluster reading topics of the standalone platform into a real
 * PostgreSQL table, through TaskManager kills, bad records and a database outage.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JdbcSinkITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static JobTestbed testbed;
    private static PostgresServer postgres;
    private static Path passwordFile;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
        postgres.createDatabase("shop");
        testbed = JobTestbed.start(dir);
        passwordFile = Files.writeString(dir.resolve("db-password"), "unused-with-trust-auth\n");
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (testbed != null) {
                testbed.close();
            }
        } finally {
            postgres.close();
        }
    }

    @Test
    void theTableEndsAsTheLastChangePerKeyAcrossATaskManagerKill() throws Exception {
        postgres.execute("shop", "CREATE TABLE orders_a (id integer PRIMARY KEY, name text, qty integer)");
        testbed.createTopics("orders-a", 2);
        JobClient job = TestbedConnectors.start(testbed, yaml("a", "orders-a", "orders_a", "", "  batch-size: 50\n"));
        Map<Integer, Map<String, Object>> expected = new TreeMap<>();
        Random random = new Random(7);
        try (KafkaProducer<byte[], byte[]> producer = testbed.producer()) {
            sendChanges(producer, "orders-a", 1_500, random, expected);
            Await.until("rows arrive and a checkpoint completed", WAIT, () -> count("orders_a") > 50
                    && RetainedSnapshots.latest(testbed.checkpoints("sink-a")).isPresent());
            testbed.killAndReplaceTaskManager();
            sendChanges(producer, "orders-a", 1_500, random, expected);

            Await.until("the table equals the last change per key", WAIT, () -> table("orders_a").equals(
                    expectedRows(expected)));
            assertThat(TestbedConnectors.restarted(testbed, job)).as("the job restarted").isTrue();
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBadRecordGoesToTheDeadLetterTopicWithItsOrigin() throws Exception {
        postgres.execute("shop", "CREATE TABLE orders_b (id integer PRIMARY KEY, name text)");
        testbed.createTopics("orders-b", 1, "dlq-b", 1);
        try (KafkaProducer<byte[], byte[]> producer = testbed.producer()) {
            send(producer, "orders-b", "1", "{\"name\":\"one\"}");
            send(producer, "orders-b", "2", "not json");
            send(producer, "orders-b", "3", "{\"name\":\"three\"}");
        }
        JobClient job = TestbedConnectors.start(testbed, yaml("b", "orders-b", "orders_b",
                "errors: {tolerance: all, dead-letter-topic: dlq-b}\n", ""));
        try (JobTestbed.TopicReader dlq = testbed.reader("dlq-b")) {
            Await.until("the good rows are written", WAIT, () -> count("orders_b") == 2);
            Await.until("the bad record is a dead letter", WAIT, () -> !dlq.poll().isEmpty());
            ConsumerRecord<byte[], byte[]> dead = dlq.poll().get(0);
            assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo("not json");
            assertThat(header(dead, "__connect.errors.topic")).isEqualTo("orders-b");
            assertThat(header(dead, "__connect.errors.partition")).isEqualTo("0");
            assertThat(header(dead, "__connect.errors.offset")).isEqualTo("1");
            assertThat(header(dead, "__connect.errors.exception.message")).startsWith("The value is not JSON");
            assertThat(table("orders_b")).containsOnlyKeys(1, 3);
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void aBadRecordUnderToleranceNoneFailsTheJobNamingWhere() throws Exception {
        postgres.execute("shop", "CREATE TABLE orders_c (id integer PRIMARY KEY, name text)");
        testbed.createTopics("orders-c", 1);
        try (KafkaProducer<byte[], byte[]> producer = testbed.producer()) {
            send(producer, "orders-c", "1", "{\"name\":\"one\"}");
            send(producer, "orders-c", "2", "[\"an array\"]");
        }
        JobClient job = TestbedConnectors.start(testbed, yaml("c", "orders-c", "orders_c", "", ""));

        assertThatThrownBy(() -> job.getJobExecutionResult().get(60, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .satisfies(e -> assertThat(ExceptionUtils.stringifyException(e))
                        .contains("cannot take the record at topic orders-c partition 0 offset 1")
                        .contains("not an object"));
    }

    @Test
    void theSinkRetriesThroughADatabaseOutageAndLosesNothing() throws Exception {
        postgres.execute("shop", "CREATE TABLE orders_d (id integer PRIMARY KEY, name text)");
        testbed.createTopics("orders-d", 1);
        JobClient job = TestbedConnectors.start(testbed, yaml("d", "orders-d", "orders_d", "",
                "  max-retries: 12\n  retry-backoff: 100 ms\n"));
        try (LogCapture retries = new LogCapture(Retrier.class);
             KafkaProducer<byte[], byte[]> producer = testbed.producer()) {
            for (int i = 0; i < 100; i++) {
                send(producer, "orders-d", Integer.toString(i), "{\"name\":\"before\"}");
            }
            Await.until("the first rows are written", WAIT, () -> count("orders_d") == 100);
            postgres.stop();
            for (int i = 50; i < 200; i++) {
                send(producer, "orders-d", Integer.toString(i), "{\"name\":\"during\"}");
            }
            Await.until("the sink retries", WAIT, () -> retries.messages().size() >= 2);
            postgres.startServer();

            Await.until("every row is written", WAIT, () -> count("orders_d") == 200
                    && table("orders_d").values().stream().filter("during"::equals).count() == 150);
            assertThat(retries.messages().get(0)).contains("Writing to table public.orders_d failed with a transient "
                    + "error").contains("retry 1 of 12");
            assertThat(TestbedConnectors.restarted(testbed, job)).as("the job restarted").isFalse();
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static String yaml(String suffix, String topic, String table, String top, String sink) {
        return "name: sink-" + suffix + "\n"
                + "topics: " + topic + "\n"
                + "bootstrap-servers: " + testbed.bootstrap() + "\n"
                + "checkpoint-interval: 500 ms\n"
                + "parallelism: 2\n"
                + "restart: {attempts: 3, delay: 200 ms}\n"
                + top
                + "sink:\n"
                + "  type: jdbc\n"
                + "  url: " + postgres.url("shop") + "\n"
                + "  user: postgres\n"
                + "  password: ${file:" + passwordFile + "}\n"
                + "  table: public." + table + "\n"
                + "  primary-key: id\n"
                + "  flush-interval: 200 ms\n"
                + sink;
    }

    /**
     * Sends random changes of 200 keys (full upserts, upserts of one column, tombstones; keys as JSON objects or
     * plain text) and folds them into {@code expected} as the table must apply them.
     */
    private static void sendChanges(KafkaProducer<byte[], byte[]> producer, String topic, int count, Random random,
                                    Map<Integer, Map<String, Object>> expected) {
        for (int i = 0; i < count; i++) {
            int id = random.nextInt(200);
            // The same key must always be the same bytes, or the producer may put a key's changes in two partitions.
            String key = id % 2 == 0 ? "{\"id\":" + id + "}" : Integer.toString(id);
            int kind = random.nextInt(10);
            if (kind == 0) {
                send(producer, topic, key, null);
                expected.remove(id);
            } else if (kind <= 2) {
                int qty = random.nextInt(1000);
                send(producer, topic, key, "{\"qty\":" + qty + "}");
                expected.computeIfAbsent(id, k -> new HashMap<>(Map.of("name", "null"))).put("qty", qty);
            } else {
                String name = "n" + random.nextInt(1000);
                int qty = random.nextInt(1000);
                send(producer, topic, key, "{\"name\":\"" + name + "\",\"qty\":" + qty + "}");
                expected.put(id, new HashMap<>(Map.of("name", name, "qty", qty)));
            }
        }
        producer.flush();
    }

    private static Map<Integer, String> expectedRows(Map<Integer, Map<String, Object>> expected) {
        Map<Integer, String> rows = new TreeMap<>();
        expected.forEach((id, row) -> rows.put(id, row.get("name") + "|" + row.get("qty")));
        return rows;
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, String value) {
        producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8)));
    }

    private static int count(String table) {
        return table(table).size();
    }

    /** The table's rows by id: the other columns joined by '|', or an empty map while the server is down. */
    private static Map<Integer, String> table(String table) {
        Map<Integer, String> rows = new TreeMap<>();
        try (Connection c = postgres.connect("shop"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT * FROM " + table)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 2; i <= columns; i++) {
                    row.append(i > 2 ? "|" : "").append(rs.getString(i));
                }
                rows.put(rs.getInt(1), row.toString());
            }
        } catch (SQLException e) {
            return Map.of();
        }
        return rows;
    }
}
