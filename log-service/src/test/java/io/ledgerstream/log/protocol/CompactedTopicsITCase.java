package io.ledgerstream.log.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ledgerstream.log.config.BrokerConfig;
import io.ledgerstream.log.testing.Await;
import io.ledgerstream.log.testing.LocalBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Compacted topics through kafka-clients: the broker's own compaction runs, consumers see the latest per key. */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CompactedTopicsITCase {
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

    /** A record as a consumer sees it. */
    private record Seen(long offset, String key, String value) {
    }

    @Test
    void consumersFromTheBeginningSeeTheLatestValueOfEachKeyAtItsOffsetAlsoAfterARestart() throws Exception {
        String topic = "profiles";
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                    "cleanup.policy", "compact", "segment.bytes", "2048")))).all().get(30, TimeUnit.SECONDS);
            Config described = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                    .all().get(30, TimeUnit.SECONDS).values().iterator().next();
            assertThat(described.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(described.get("delete.retention.ms").value()).isEqualTo("86400000");
        }

        Map<String, Seen> latest = new HashMap<>();
        List<Seen> fillers = new ArrayList<>();
        try (KafkaProducer<String, String> producer = producer()) {
            for (int i = 0; i < 2000; i++) {
                String key = "user-" + (i % 50);
                String value = key.equals("user-7") && i >= 1950 ? null : "v" + i;
                RecordMetadata at = producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
                latest.put(key, new Seen(at.offset(), key, value));
            }
            // Unique keys, so that every update above ends up in sealed segments.
            for (int i = 0; i < 100; i++) {
                RecordMetadata at = producer.send(new ProducerRecord<>(topic, "filler-" + i, "f"))
                        .get(30, TimeUnit.SECONDS);
                fillers.add(new Seen(at.offset(), "filler-" + i, "f"));
            }
            ExecutionException keyless = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>(topic, null, "no key")).get(30, TimeUnit.SECONDS));
            assertThat(keyless.getCause()).isInstanceOf(InvalidRecordException.class)
                    .hasMessageContaining("without key");
        }
        List<Seen> expected = new ArrayList<>(latest.values());
        expected.addAll(fillers);
        expected.sort((a, b) -> Long.compare(a.offset(), b.offset()));
        assertThat(expected).hasSize(150).contains(latest.get("user-7")).extracting(Seen::value).containsNull();

        List<List<Seen>> reads = new ArrayList<>();
        Await.until("the compaction of every update", WAIT, () -> {
            reads.add(readFromTheBeginning(topic));
            return reads.get(reads.size() - 1).equals(expected);
        });
        assertThat(reads).as("every read on the way").allSatisfy(read ->
                assertThat(read).as("a read holds the latest value of every key")
                        .containsAll(expected).isSortedAccordingTo((a, b) -> Long.compare(a.offset(), b.offset())));

        local.restart();
        assertThat(readFromTheBeginning(topic)).isEqualTo(expected);
    }

    private static List<Seen> readFromTheBeginning(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        List<Seen> seen = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            Await.until("reading " + topic + " to offset " + end, WAIT, () -> {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> seen.add(new Seen(r.offset(), r.key(), r.value())));
                return consumer.position(tp) >= end;
            });
        }
        return seen;
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrap()));
    }

    private static KafkaProducer<String, String> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, local.bootstrap());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }
}
