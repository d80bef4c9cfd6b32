package io.ledgerstream.connectors.jdbc.source;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.connectors.testing.PostgresServer;
import io.ledgerstream.connectors.testing.TestbedConnectors;
import io.ledgerstream.jobs.RetainedSnapshots;
import io.ledgerstream.jobs.testing.JobTestbed;
import io.ledgerstream.log.testing.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The polling source as a connector job: rows of a real PostgreSQL table reach a topic of the standalone platform
 * exactly once (read_committed), across a TaskManager kill.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class JdbcSourceITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static JobTestbed testbed;
    private static PostgresServer postgres;

    @BeforeAll
    static void start() throws Exception {
        postgres = PostgresServer.start();
        postgres.createDatabase("shop");
        testbed = JobTestbed.start(dir);
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
    void everyRowReachesTheTopicOnceAcrossATaskManagerKill() throws Exception {
        postgres.execute("shop", "CREATE TABLE events (id bigserial PRIMARY KEY, payload text, "
                + "amount numeric(10,2))");
        insert("events", 300);
        testbed.createTopics("events-a", 2);
        JobClient job = TestbedConnectors.start(testbed, yaml("a", "events-a", """
                  table: events
                  mode: incrementing
                  incrementing-column: id
                """));
        try (JobTestbed.TopicReader topic = testbed.reader("events-a")) {
            Await.until("the first rows arrive and a checkpoint completed", WAIT, () -> topic.poll().size() >= 300
                    && RetainedSnapshots.latest(testbed.checkpoints("poll-a")).isPresent());
            insert("events", 300);
            // Both TaskManagers: the source and its writer run in one slot, on either.
            testbed.killAndReplaceTaskManager();
            testbed.killAndReplaceTaskManager();
            insert("events", 300);

            Await.until("all 900 rows arrive", WAIT, () -> ids(topic.poll()).size() == 900);
            assertThat(topic.poll()).as("each row once").hasSize(900);
            JsonNode first = JSON.readTree(topic.values().stream().filter(v -> id(v) == 1).findFirst().orElseThrow());
            assertThat(first.toString()).isEqualTo("{\"id\":1,\"payload\":\"p\",\"amount\":\"12.50\"}");
            assertThat(TestbedConnectors.restarted(testbed, job)).as("the job restarted").isTrue();
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    @Test
    void timestampModeSeesNewAndUpdatedRowsKeyedByTheChosenColumns() throws Exception {
        postgres.execute("shop", "CREATE TABLE accounts (id integer PRIMARY KEY, owner text, "
                + "updated_at timestamptz NOT NULL DEFAULT clock_timestamp())",
                "INSERT INTO accounts (id, owner) SELECT g, 'o' || g FROM generate_series(1, 50) g");
        testbed.createTopics("accounts-b", 1);
        JobClient job = TestbedConnectors.start(testbed, yaml("b", "accounts-b", """
                  table: public.accounts
                  mode: timestamp
                  timestamp-column: updated_at
                  incrementing-column: id
                  key-columns: [id, owner]
                  timestamp-delay: 50 ms
                """));
        try (JobTestbed.TopicReader topic = testbed.reader("accounts-b")) {
            Await.until("the rows arrive", WAIT, () -> topic.poll().size() >= 50);
            postgres.execute("shop", "UPDATE accounts SET owner = owner || '-renamed', updated_at = "
                    + "clock_timestamp() WHERE id <= 10");

            Await.until("the updates arrive", WAIT, () -> topic.poll().size() >= 60);
            List<String> keys = topic.poll().stream().map(r -> new String(r.key(),
                    java.nio.charset.StandardCharsets.UTF_8)).toList();
            assertThat(keys).hasSize(60).contains("{\"id\":1,\"owner\":\"o1\"}", "{\"id\":1,\"owner\":\"o1-renamed\"}");
            assertThat(topic.poll().get(0).timestamp()).isEqualTo(java.time.Instant.parse(JSON.readTree(
                    topic.values().get(0)).get("updated_at").asText()).toEpochMilli());
        } finally {
            job.cancel().get(60, TimeUnit.SECONDS);
        }
    }

    private static String yaml(String suffix, String topic, String source) {
        return "name: poll-" + suffix + "\n"
                + "topic: " + topic + "\n"
                + "bootstrap-servers: " + testbed.bootstrap() + "\n"
                + "checkpoint-interval: 500 ms\n"
                + "parallelism: 2\n"
                + "restart: {attempts: 3, delay: 200 ms}\n"
                + "source:\n"
                + "  type: jdbc\n"
                + "  url: " + postgres.url("shop") + "\n"
                + "  user: postgres\n"
                + "  poll-interval: 100 ms\n"
                + "  batch-rows: 100\n"
                + source;
    }

    private static void insert(String table, int rows) throws Exception {
        postgres.execute("shop", "INSERT INTO " + table + " (payload, amount) SELECT 'p', 12.5 FROM "
                + "generate_series(1, " + rows + ")");
    }

    private static Set<Long> ids(List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records) {
        Set<Long> ids = new TreeSet<>();
        records.forEach(r -> ids.add(id(r.value())));
        return ids;
    }

    private static long id(byte[] value) {
        try {
            return JSON.readTree(value).get("id").asLong();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
