package io.ledgerstream.log.transaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition's transaction state is durable with it: aborted records stay hidden from read_committed readers after
 * the broker crashes and after a clean restart, and compaction, as Kafka's cleaner, drops aborted records without
 * letting them hide the committed value of their key.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TransactionRecoveryITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static LocalBroker local;

    @BeforeAll
    static void start() throws Exception {
        local = LocalBroker.start(dir.toFile(), Map.of(BrokerConfig.LOG_CLEANER_BACKOFF_MS, "200"));
    }

    @AfterAll
    static void stop() {
        if (local != null) {
            local.close();
        }
    }

    private static void createTopic(String name, Map<String, String> configs) throws Exception {
        try (Admin admin = TestClients.admin(local.bootstrap())) {
            admin.createTopics(List.of(new NewTopic(name, Optional.of(1), Optional.empty()).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    private static KafkaProducer<String, String> transactional(String id) {
        return TestClients.producer(local.bootstrap(), Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id));
    }

    /** Key and value of every record a consumer at {@code isolation} reads to the end, in offset order. */
    private static List<String> read(String topic, String isolation) {
        TopicPartition tp = new TopicPartition(topic, 0);
        List<String> seen = new ArrayList<>();
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrap());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            Await.until("reading " + topic + " to " + end, WAIT, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(r.key() + "=" + r.value()));
                return consumer.position(tp) >= end;
            });
        }
        return seen;
    }

    @Test
    void abortedRecordsStayHiddenAfterACrashAndAfterACleanRestart() throws Exception {
        createTopic("recovered", Map.of());
        try (KafkaProducer<String, String> producer = transactional("recovered-txn");
             KafkaProducer<String, String> plain = TestClients.producer(local.bootstrap(), Map.of())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("recovered", "a", "committed")).get();
            producer.commitTransaction();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("recovered", "b", "aborted")).get();
            plain.send(new ProducerRecord<>("recovered", "c", "plain")).get();
            producer.abortTransaction();
        }
        List<String> expected = List.of("a=committed", "c=plain");
        assertThat(read("recovered", "read_committed")).isEqualTo(expected);

        // Nothing sealed, no snapshot on close: the reopened partition learns the abort from its log.
        local.crashAndRestart();
        assertThat(read("recovered", "read_committed")).as("after a crash").isEqualTo(expected);
        assertThat(read("recovered", "read_uncommitted")).contains("b=aborted");
        local.restart();
        assertThat(read("recovered", "read_committed")).as("after a clean restart").isEqualTo(expected);
    }

    @Test
    void compactionDropsAbortedRecordsAndKeepsTheCommittedValueOfTheirKey() throws Exception {
        createTopic("balances", Map.of("cleanup.policy", "compact", "segment.bytes", "1024",
                "min.cleanable.dirty.ratio", "0.01"));
        Map<String, String> expected = new LinkedHashMap<>();
        try (KafkaProducer<String, String> producer = transactional("balances-txn");
             KafkaProducer<String, String> plain = TestClients.producer(local.bootstrap(), Map.of())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("balances", "alice", "100")).get();
            producer.send(new ProducerRecord<>("balances", "bob", "50")).get();
            producer.commitTransaction();
            // A later, aborted value of alice must neither show nor make compaction drop the committed one.
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("balances", "alice", "aborted")).get();
            producer.abortTransaction();
            expected.put("alice", "100");
            expected.put("bob", "50");
            // Records of their own keys roll the segments above, so that compaction takes them.
            for (int i = 0; i < 40; i++) {
                plain.send(new ProducerRecord<>("balances", "filler-" + i, "x".repeat(100))).get();
                expected.put("filler-" + i, "x".repeat(100));
            }
        }
        List<String> want = new ArrayList<>();
        expected.forEach((k, v) -> want.add(k + "=" + v));
        Await.until("compaction removed the aborted record", WAIT,
                () -> !read("balances", "read_uncommitted").contains("alice=aborted"));
        assertThat(read("balances", "read_committed")).isEqualTo(want);
        local.restart();
        assertThat(read("balances", "read_committed")).as("after a restart").isEqualTo(want);
    }
}
