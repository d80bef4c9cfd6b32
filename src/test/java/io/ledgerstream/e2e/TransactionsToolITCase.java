package io.ledgerstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.standalone.StandalonePlatform;
import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.KafkaTool;
import java.io.File;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.tools.TransactionsCommand;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's own {@code kafka-transactions} tool (in-process) against the standalone platform: it lists, describes and
 * finds the producer of a transaction its producer left hanging, and aborts it so read_committed readers move on.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TransactionsToolITCase {
    private static final String TOPIC = "payments-in-doubt";
    private static final TopicPartition PARTITION = new TopicPartition(TOPIC, 0);
    private static final String TRANSACTIONAL_ID = "payments-writer";

    @TempDir
    static Path dir;
    private static StandalonePlatform platform;
    private static String bootstrap;

    @BeforeAll
    static void start() throws Exception {
        platform = StandalonePlatform.start(new StandalonePlatform.Settings(new File(dir.toFile(), "data"),
                FreePorts.consecutive(1), FreePorts.consecutive(3), 3,
                Map.of("listeners", "PLAINTEXT://127.0.0.1:0")), Clock.systemUTC());
        bootstrap = "127.0.0.1:" + platform.broker().kafkaPort();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    private static String transactionsTool(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", bootstrap));
        all.addAll(Arrays.asList(args));
        return KafkaTool.run("", () -> TransactionsCommand.main(all.toArray(String[]::new)));
    }

    /**
     * The row of a table the tool printed whose {@code column} holds {@code value}, cell by column name; the table's
     * cells are separated by spaces and hold none.
     */
    private static Map<String, String> row(String table, String column, String value) {
        List<String> lines = table.lines().filter(l -> !l.isBlank()).toList();
        int headerLine = 0;
        while (headerLine < lines.size() && !List.of(lines.get(headerLine).trim().split("\\s+")).contains(column)) {
            headerLine++;
        }
        assertThat(headerLine).as("a header with column %s in:%n%s", column, table).isLessThan(lines.size());
        String[] header = lines.get(headerLine).trim().split("\\s+");
        int index = List.of(header).indexOf(column);
        for (String line : lines.subList(headerLine + 1, lines.size())) {
            String[] cells = line.trim().split("\\s+");
            if (cells.length == header.length && cells[index].equals(value)) {
                Map<String, String> row = new LinkedHashMap<>();
                for (int i = 0; i < header.length; i++) {
                    row.put(header[i], cells[i]);
                }
                return row;
            }
        }
        throw new AssertionError("No row with " + column + " " + value + " in:\n" + table);
    }

    private static KafkaConsumer<String, String> consumer(IsolationLevel isolation) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation.toString().toLowerCase());
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /** The end offset a consumer at {@code isolation} sees: the last stable offset for read_committed. */
    private static long endOffset(IsolationLevel isolation) {
        try (KafkaConsumer<String, String> consumer = consumer(isolation)) {
            return consumer.endOffsets(List.of(PARTITION), Duration.ofSeconds(30)).get(PARTITION);
        }
    }

    /** Every value a read_committed consumer reads from the partition's start to its last stable offset. */
    private static List<String> readCommitted() {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(IsolationLevel.READ_COMMITTED)) {
            consumer.assign(List.of(PARTITION));
            consumer.seekToBeginning(List.of(PARTITION));
            long end = consumer.endOffsets(List.of(PARTITION), Duration.ofSeconds(30)).get(PARTITION);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(PARTITION) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> values.add(r.value()));
            }
            assertThat(consumer.position(PARTITION)).as("read to the last stable offset").isEqualTo(end);
        }
        return values;
    }

    @Test
    void listDescribeAndDescribeProducersShowAHangingTransactionAndAbortLetsReadersPastIt() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> plain = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new StringSerializer())) {
            plain.send(new ProducerRecord<>(TOPIC, 0, "p-1", "before")).get(30, TimeUnit.SECONDS);
            // A transactional producer that dies inside its transaction: no commit, no abort, and a timeout long
            // enough (the broker's maximum) that its coordinator does not abort it during the test.
            KafkaProducer<String, String> hanging = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                    ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID,
                    ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000"),
                    new StringSerializer(), new StringSerializer());
            try {
                hanging.initTransactions();
                hanging.beginTransaction();
                hanging.send(new ProducerRecord<>(TOPIC, 0, "p-2", "in-doubt")).get(30, TimeUnit.SECONDS);
            } finally {
                hanging.close(Duration.ZERO);
            }
            plain.send(new ProducerRecord<>(TOPIC, 0, "p-3", "after")).get(30, TimeUnit.SECONDS);
        }
        // The open transaction starts at offset 1 and holds read_committed readers there.
        assertThat(endOffset(IsolationLevel.READ_UNCOMMITTED)).isEqualTo(3);
        assertThat(endOffset(IsolationLevel.READ_COMMITTED)).isEqualTo(1);
        assertThat(readCommitted()).containsExactly("before");

        Map<String, String> listed = row(transactionsTool("list"), "TransactionalId", TRANSACTIONAL_ID);
        assertThat(listed).containsEntry("Coordinator", "0").containsEntry("TransactionState", "Ongoing");
        String producerId = listed.get("ProducerId");

        Map<String, String> described = row(transactionsTool("describe", "--transactional-id", TRANSACTIONAL_ID),
                "TransactionalId", TRANSACTIONAL_ID);
        assertThat(described).containsEntry("CoordinatorId", "0").containsEntry("ProducerId", producerId)
                .containsEntry("ProducerEpoch", "0").containsEntry("TransactionState", "Ongoing")
                .containsEntry("TransactionTimeoutMs", "900000").containsEntry("TopicPartitions", TOPIC + "-0");
        assertThat(Long.parseLong(described.get("CurrentTransactionStartTimeMs"))).isPositive();

        String producers = transactionsTool("describe-producers", "--topic", TOPIC, "--partition", "0");
        Map<String, String> inDoubt = row(producers, "ProducerId", producerId);
        assertThat(inDoubt).containsEntry("ProducerEpoch", "0").containsEntry("LastSequence", "0")
                .containsEntry("CurrentTransactionStartOffset", "1");
        String startOffset = inDoubt.get("CurrentTransactionStartOffset");

        transactionsTool("abort", "--topic", TOPIC, "--partition", "0", "--start-offset", startOffset);

        // The abort marker (offset 3) is durable when the tool returns: the partition has no open transaction left.
        assertThat(row(transactionsTool("describe-producers", "--topic", TOPIC, "--partition", "0"),
                "ProducerId", producerId)).containsEntry("CurrentTransactionStartOffset", "None");
        assertThat(endOffset(IsolationLevel.READ_COMMITTED)).isEqualTo(4);
        assertThat(readCommitted()).containsExactly("before", "after");
    }
}
