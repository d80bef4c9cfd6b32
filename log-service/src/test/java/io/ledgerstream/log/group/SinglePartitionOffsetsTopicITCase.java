package io.ledgerstream.log.group;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.broker.Broker;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.TopicRecord;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBookKeeperCluster;
import io.ledgerstream.log.testing.LoggedWarnings;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data from before the offsets topic had many partitions: {@code __consumer_offsets} exists with one partition (and
 * the broker defaults of its time, no cleanup policy of its own) when a broker configured for 50 starts. The broker
 * keeps the one partition, as Kafka keeps an existing count, and every group lives there across restarts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SinglePartitionOffsetsTopicITCase {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private LocalBookKeeperCluster storage;
    private Broker broker;

    @AfterEach
    void stop() {
        if (broker != null) {
            broker.close();
        }
        if (storage != null) {
            storage.close();
        }
    }

    private void startBroker() throws Exception {
        broker = Broker.start(storage.brokerConfig(Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                "group.initial.rebalance.delay.ms", "0")), Clock.systemUTC());
    }

    private String bootstrap() {
        return "127.0.0.1:" + broker.kafkaPort();
    }

    @Test
    void anExistingOnePartitionOffsetsTopicKeepsItsCountAndEveryGroupWorksAcrossARestart() throws Exception {
        storage = LocalBookKeeperCluster.start(dir.toFile(), 3);
        new MetadataStore(storage.zk(), "/ledgerstream").createTopic(TopicRecord.create(OffsetStore.TOPIC, 1,
                Replication.forFactor(2, 2), Map.of(), System.currentTimeMillis())).get(30, TimeUnit.SECONDS);
        List<String> warnings;
        try (LoggedWarnings logged = LoggedWarnings.start()) {
            startBroker();
            warnings = logged.lines();
        }
        assertThat(broker.config().offsetsTopicPartitions()).isEqualTo(50);
        assertThat(warnings).as("warnings while starting on the existing topic")
                .noneMatch(line -> line.contains(OffsetStore.TOPIC));

        TopicPartition events = new TopicPartition("events", 0);
        Map<String, Long> commits = new HashMap<>();
        try (Admin admin = TestClients.admin(bootstrap())) {
            admin.createTopics(List.of(new NewTopic("events", 1, (short) 2))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeTopics(List.of(OffsetStore.TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(OffsetStore.TOPIC).partitions()).hasSize(1);
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, OffsetStore.TOPIC);
            assertThat(admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic)
                    .get("cleanup.policy").value()).as("made compacted on start").isEqualTo("compact");
        }
        try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap(), Map.of())) {
            for (int i = 0; i < 20; i++) {
                producer.send(new ProducerRecord<>("events", 0, "k" + i, Integer.toString(i)));
            }
            producer.flush();
        }
        // Groups that would hash to many partitions of 50 all commit in the one partition there is.
        for (int i = 0; i < 5; i++) {
            String group = "legacy-" + i;
            try (KafkaConsumer<String, String> consumer = consumer(group)) {
                consumer.assign(List.of(events));
                consumer.commitSync(Map.of(events, new OffsetAndMetadata(i + 1)));
            }
            commits.put(group, (long) i + 1);
        }
        assertThat(commits.keySet().stream().map(g -> OffsetStore.partitionFor(g, 50)).distinct().count())
                .as("partitions the groups would have among 50").isGreaterThan(1);
        try (KafkaConsumer<String, String> consumer = consumer("subscriber")) {
            consumer.subscribe(List.of("events"));
            int[] read = {0};
            Await.until("the subscriber read every record", WAIT, () -> {
                read[0] += consumer.poll(Duration.ofMillis(100)).count();
                return read[0] == 20;
            });
            consumer.commitSync();
            try (Admin admin = TestClients.admin(bootstrap())) {
                ConsumerGroupDescription described = admin.describeConsumerGroups(List.of("subscriber")).all()
                        .get(30, TimeUnit.SECONDS).get("subscriber");
                assertThat(described.coordinator().id()).isEqualTo(0);
                assertThat(described.members()).hasSize(1);
            }
        }
        commits.put("subscriber", 20L);

        broker.close();
        broker = null;
        startBroker();
        for (Map.Entry<String, Long> commit : commits.entrySet()) {
            try (KafkaConsumer<String, String> consumer = consumer(commit.getKey())) {
                assertThat(consumer.committed(Set.of(events), WAIT).get(events).offset())
                        .as("offset of %s after the restart", commit.getKey()).isEqualTo(commit.getValue());
            }
        }
        try (Admin admin = TestClients.admin(bootstrap())) {
            assertThat(admin.describeTopics(List.of(OffsetStore.TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(OffsetStore.TOPIC).partitions()).hasSize(1);
        }
    }

    private KafkaConsumer<String, String> consumer(String group) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
