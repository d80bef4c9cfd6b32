package io.ledgerstream.table;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ledgerstream catalog through Flink SQL (a local Flink cluster with RocksDB state) against the standalone
 * platform: topics as tables, and a projection kept current by key.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class CatalogITCase {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static LocalBroker platform;
    private static TableEnvironment sql;

    @BeforeAll
    static void start() throws Exception {
        // Compaction runs often, so that a test sees it.
        platform = LocalBroker.start(dir.toFile(), Map.of(BrokerConfig.LOG_CLEANER_BACKOFF_MS, "200"));
        sql = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
        sql.getConfig().set("state.backend.type", "rocksdb");
        sql.getConfig().set("execution.checkpointing.interval", "1 s");
        sql.getConfig().set("parallelism.default", "1");
        sql.executeSql("CREATE CATALOG lc WITH ('type' = 'ledgerstream', 'bootstrap-servers' = '"
                + platform.bootstrap() + "')");
        sql.useCatalog("lc");
    }

    @AfterAll
    static void stop() {
        if (sql != null) {
            sql.useCatalog("default_catalog");
            sql.executeSql("DROP CATALOG lc");  // closes the catalog's client
        }
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void topicsAreTablesThatTheCatalogCreatesDescribesAndDrops() throws Exception {
        sql.executeSql("CREATE TABLE orders (order_id STRING, customer_id STRING, amount DECIMAL(10, 2), "
                + "PRIMARY KEY (order_id) NOT ENFORCED) WITH ('partitions' = '2', 'retention.ms' = '86400000')");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("plain", 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeTopics(List.of("orders")).allTopicNames().get().get("orders").partitions())
                    .hasSize(2);
            ConfigResource orders = new ConfigResource(ConfigResource.Type.TOPIC, "orders");
            assertThat(admin.describeConfigs(List.of(orders)).all().get().get(orders).get("retention.ms").value())
                    .isEqualTo("86400000");

            assertThat(rows("SHOW TABLES")).extracting(r -> r.getField(0)).contains("orders", "plain");
            // name, type, nullable, key
            assertThat(rows("DESCRIBE orders")).extracting(r -> r.getField(0) + " " + r.getField(1) + " "
                    + r.getField(2) + " " + r.getField(3)).containsExactly("order_id STRING false PRI(order_id)",
                    "customer_id STRING true null", "amount DECIMAL(10, 2) true null");
            assertThat(rows("DESCRIBE plain")).extracting(r -> r.getField(0) + " " + r.getField(1))
                    .containsExactly("key BYTES", "value BYTES");

            sql.executeSql("ALTER TABLE orders SET ('retention.ms' = '3600000')");
            assertThat(admin.describeConfigs(List.of(orders)).all().get().get(orders).get("retention.ms").value())
                    .isEqualTo("3600000");

            sql.executeSql("DROP TABLE orders");
            assertThat(admin.listTopics().names().get()).doesNotContain("orders").contains("plain");
            assertThat(rows("SHOW TABLES")).extracting(r -> r.getField(0)).doesNotContain("orders");
        }
        assertThatThrownBy(() -> sql.executeSql("CREATE TABLE bad (x INT) WITH ('colour' = 'blue')"))
                .hasStackTraceContaining("Option 'colour' is not one a Ledgerstream table takes");
        assertThatThrownBy(() -> sql.executeSql("CREATE TABLE timed (x INT, ts TIMESTAMP(3), "
                + "WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)"))
                .hasStackTraceContaining("watermarks are not kept");
        sql.executeSql("CREATE TABLE twice (x INT)");
        assertThatThrownBy(() -> sql.executeSql("CREATE TABLE twice (x INT)")).hasStackTraceContaining("twice");
        sql.executeSql("CREATE TABLE IF NOT EXISTS twice (x INT)");
        sql.executeSql("DROP TABLE twice");
        sql.executeSql("DROP TABLE IF EXISTS twice");
        assertThatThrownBy(() -> sql.executeSql("DROP TABLE twice")).hasStackTraceContaining("twice");
    }

    @Test
    void aProjectionFollowsInsertsUpdatesAndDeletesByKey() throws Exception {
        sql.executeSql("CREATE TABLE payments (payment_id STRING, customer_id STRING, amount DECIMAL(18, 2), "
                + "PRIMARY KEY (payment_id) NOT ENFORCED)");
        sql.executeSql("CREATE TABLE customer_totals (customer_id STRING, payments BIGINT, total DECIMAL(18, 2), "
                + "PRIMARY KEY (customer_id) NOT ENFORCED)");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                platform.bootstrap()), new ByteArraySerializer(), new ByteArraySerializer())) {
            // Change events as another service would write them: the key columns as the key, the row as the value.
            payment(producer, "p1", "ada", "10.00");
            payment(producer, "p2", "ada", "5.50");
            payment(producer, "p3", "bob", "7.00");
            producer.flush();
            TableResult projection = sql.executeSql("INSERT INTO customer_totals SELECT customer_id, COUNT(*), "
                    + "CAST(SUM(amount) AS DECIMAL(18, 2)) FROM payments GROUP BY customer_id");
            try (TopicTable totals = new TopicTable("customer_totals")) {
                totals.await(Map.of("ada", "2 15.50", "bob", "1 7.00"));

                // An update of a payment (same key), then deletions (tombstones): the projection follows by key.
                payment(producer, "p1", "ada", "12.00");
                producer.flush();
                totals.await(Map.of("ada", "2 17.50", "bob", "1 7.00"));
                producer.send(new ProducerRecord<>("payments", key("payment_id", "p3"), null));
                producer.send(new ProducerRecord<>("payments", key("payment_id", "p2"), null));
                producer.flush();
                totals.await(Map.of("ada", "1 12.00"));

                // Read as of now: a bounded scan of the projection (to the offsets at the start of the query); its
                // changelog, applied by key, is the table at that moment.
                Map<String, String> now = new HashMap<>();
                try (CloseableIterator<Row> it = sql.executeSql("SELECT customer_id, payments, total FROM "
                        + "customer_totals /*+ OPTIONS('scan.bounded.mode' = 'latest-offset') */").collect()) {
                    it.forEachRemaining(r -> {
                        if (r.getKind() == RowKind.INSERT || r.getKind() == RowKind.UPDATE_AFTER) {
                            now.put((String) r.getField(0), r.getField(1) + " " + r.getField(2));
                        } else {
                            now.remove((String) r.getField(0));
                        }
                    });
                }
                assertThat(now).isEqualTo(Map.of("ada", "1 12.00"));
            } finally {
                projection.getJobClient().orElseThrow().cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aKeyedTableIsACompactedTopicThatKeepsTheLatestRowOfEachKey() throws Exception {
        // Any dirty sealed segment is compacted: with the default ratio (0.5) the last small segment of updates may
        // stay below half of the compacted bytes before it, how producer batches fall decides, and keep duplicates.
        sql.executeSql("CREATE TABLE prices (symbol STRING, price BIGINT, PRIMARY KEY (symbol) NOT ENFORCED) "
                + "WITH ('partitions' = '1', 'segment.bytes' = '1024', 'min.cleanable.dirty.ratio' = '0.01')");
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", platform.bootstrap()))) {
            ConfigResource prices = new ConfigResource(ConfigResource.Type.TOPIC, "prices");
            assertThat(admin.describeConfigs(List.of(prices)).all().get().get(prices).get("cleanup.policy").value())
                    .isEqualTo("compact");
        }
        sql.executeSql("CREATE TEMPORARY TABLE ticks (n BIGINT) WITH ('connector' = 'datagen', "
                + "'number-of-rows' = '500', 'fields.n.kind' = 'sequence', 'fields.n.start' = '1', "
                + "'fields.n.end' = '500')");
        // 500 updates of five symbols (a projection: each tick updates its symbol's row), then 40 rows of their
        // own keys that push the updates into sealed segments. Written at least once, so that the offsets count
        // rows only (exactly-once writes add a commit marker per checkpoint).
        String atLeastOnce = " /*+ OPTIONS('sink.delivery-guarantee' = 'at-least-once') */ ";
        sql.executeSql("INSERT INTO prices" + atLeastOnce + "SELECT CONCAT('s', CAST(MOD(n, 5) AS STRING)), MAX(n) "
                + "FROM ticks GROUP BY CONCAT('s', CAST(MOD(n, 5) AS STRING))").await(120, TimeUnit.SECONDS);
        sql.executeSql("INSERT INTO prices" + atLeastOnce + "SELECT CONCAT('filler-', CAST(n AS STRING)), MAX(n) "
                + "FROM ticks WHERE n <= 40 GROUP BY CONCAT('filler-', CAST(n AS STRING))")
                .await(120, TimeUnit.SECONDS);
        Map<String, String> latest = new HashMap<>(Map.of("s0", "500", "s1", "496", "s2", "497", "s3", "498",
                "s4", "499"));
        for (int n = 1; n <= 40; n++) {
            latest.put("filler-" + n, Integer.toString(n));
        }

        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                platform.bootstrap()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition("prices", 0);
            assertThat(consumer.endOffsets(List.of(tp)).get(tp)).as("a row written per tick").isEqualTo(540);
        }
        List<String> stored = new ArrayList<>();
        try {
            Await.until("the topic compacted to one record per key", WAIT, () -> {
                stored.clear();
                stored.addAll(storedRecords("prices"));
                return stored.size() == latest.size();
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; the topic holds " + stored.size() + " records: " + stored, e);
        }
        assertThat(stored).as("the latest row of each key, in the order written")
                .containsExactlyInAnyOrderElementsOf(latest.entrySet().stream()
                        .map(e -> e.getKey() + "=" + e.getValue()).toList())
                .startsWith("s1=496", "s2=497", "s3=498", "s4=499", "s0=500");

        Map<String, String> now = new HashMap<>();
        try (CloseableIterator<Row> it = sql.executeSql("SELECT symbol, price FROM prices "
                + "/*+ OPTIONS('scan.bounded.mode' = 'latest-offset') */").collect()) {
            it.forEachRemaining(r -> now.put((String) r.getField(0), String.valueOf(r.getField(1))));
        }
        assertThat(now).as("the table as of now, read back through Flink").isEqualTo(latest);
        sql.executeSql("DROP TEMPORARY TABLE ticks");
    }

    /** Every record of a one-partition upsert topic of (symbol, price), as "symbol=price", in offset order. */
    private static List<String> storedRecords(String topic) {
        List<String> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                platform.bootstrap(), "fetch.max.wait.ms", "100"), new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            while (consumer.position(tp) < end) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode value = tree(r.value());
                    records.add(value.get("symbol").asText() + "=" + value.get("price").asLong());
                }
            }
        }
        return records;
    }

    private static void payment(KafkaProducer<byte[], byte[]> producer, String id, String customer, String amount) {
        producer.send(new ProducerRecord<>("payments", key("payment_id", id), ("{\"payment_id\":\"" + id
                + "\",\"customer_id\":\"" + customer + "\",\"amount\":" + amount + "}")
                .getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aProjectionRestartedFromASavepointContinuesExactly() throws Exception {
        sql.executeSql("CREATE TABLE clicks (user_id STRING, n INT)");
        sql.executeSql("CREATE TABLE click_totals (user_id STRING, clicks BIGINT, total BIGINT, "
                + "PRIMARY KEY (user_id) NOT ENFORCED)");
        String projection = "INSERT INTO click_totals SELECT user_id, COUNT(*), CAST(SUM(n) AS BIGINT) FROM clicks "
                + "GROUP BY user_id";
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                platform.bootstrap()), new ByteArraySerializer(), new ByteArraySerializer());
             KafkaConsumer<byte[], byte[]> output = new KafkaConsumer<>(Map.of("bootstrap.servers",
                     platform.bootstrap()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            click(producer, "ada", 1);
            click(producer, "ada", 2);
            click(producer, "bob", 5);
            TableResult first = sql.executeSql(projection);
            List<TopicPartition> partitions = output.partitionsFor("click_totals").stream()
                    .map(p -> new TopicPartition("click_totals", p.partition())).toList();
            output.assign(partitions);
            output.seekToBeginning(partitions);
            Map<String, String> rows = new HashMap<>();
            List<String> written = new ArrayList<>();
            awaitClicks(output, rows, written, Map.of("ada", "2 3", "bob", "1 5"));
            String savepoint = first.getJobClient().orElseThrow().stopWithSavepoint(false,
                    dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
                    .get(120, TimeUnit.SECONDS);

            // While it is stopped, two more clicks; the restarted query must count them, and only them.
            click(producer, "ada", 10);
            click(producer, "cyd", 7);
            written.clear();
            TableEnvironment resumed = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
            resumed.getConfig().set("state.backend.type", "rocksdb");
            resumed.getConfig().set("parallelism.default", "1");
            resumed.getConfig().set("execution.state-recovery.path", savepoint);
            resumed.executeSql("CREATE CATALOG lc WITH ('type' = 'ledgerstream', 'bootstrap-servers' = '"
                    + platform.bootstrap() + "')");
            resumed.useCatalog("lc");
            TableResult second = resumed.executeSql(projection);
            try {
                awaitClicks(output, rows, written, Map.of("ada", "3 13", "bob", "1 5", "cyd", "1 7"));
                assertThat(written).as("rows written after the restart: one per new click, none replayed")
                        .containsExactlyInAnyOrder("ada 3 13", "cyd 1 7");
            } finally {
                second.getJobClient().orElseThrow().cancel().get(60, TimeUnit.SECONDS);
                resumed.useCatalog("default_catalog");
                resumed.executeSql("DROP CATALOG lc");
            }
        }
    }

    private static void click(KafkaProducer<byte[], byte[]> producer, String user, int n) throws Exception {
        producer.send(new ProducerRecord<>("clicks", null, ("{\"user_id\":\"" + user + "\",\"n\":" + n + "}")
                .getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
    }

    private static void awaitClicks(KafkaConsumer<byte[], byte[]> output, Map<String, String> rows,
                                    List<String> written, Map<String, String> expected) {
        Await.until("click totals " + expected, WAIT, () -> {
            for (ConsumerRecord<byte[], byte[]> r : output.poll(Duration.ofMillis(200))) {
                JsonNode value = tree(r.value());
                String row = value.get("clicks").asLong() + " " + value.get("total").asLong();
                rows.put(value.get("user_id").asText(), row);
                written.add(value.get("user_id").asText() + " " + row);
            }
            return rows.equals(expected);
        });
    }

    private static JsonNode tree(byte[] json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Row> rows(String statement) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> it = sql.executeSql(statement).collect()) {
            it.forEachRemaining(rows::add);
        }
        return rows;
    }

    private static byte[] key(String field, String value) {
        return ("{\"" + field + "\":\"" + value + "\"}").getBytes(StandardCharsets.UTF_8);
    }

    /** The latest row per key of an upsert topic, as "payments total" strings; a tombstone removes the key. */
    private static final class TopicTable implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, String> rows = new HashMap<>();

        TopicTable(String topic) {
            consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", platform.bootstrap(),
                    "fetch.max.wait.ms", "100"), new ByteArrayDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        void await(Map<String, String> expected) {
            Await.until("the projection holds " + expected, WAIT, () -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String customer = field(r.key(), "customer_id");
                    if (r.value() == null) {
                        rows.remove(customer);
                    } else {
                        rows.put(customer, field(r.value(), "payments") + " "
                                + new BigDecimal(field(r.value(), "total")).setScale(2));
                    }
                }
                return rows.equals(expected);
            });
        }

        private static String field(byte[] json, String name) {
            try {
                JsonNode node = JSON.readTree(json);
                return node.get(name).asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() {
            consumer.close();
        }
    }
}
