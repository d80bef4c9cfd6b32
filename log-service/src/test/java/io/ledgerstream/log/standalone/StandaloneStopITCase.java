package io.ledgerstream.log.standalone;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.log.testing.FreePorts;
import io.ledgerstream.log.testing.LoggedWarnings;
import io.ledgerstream.log.testing.TestClients;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A normal stop says nothing alarming: after brokers led partitions, wrote ledgers and coordinated a group, closing
 * the platform logs no warning and no error (no listener firing into a stopped executor, no bookie stopping twice,
 * no maintenance run cut off).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class StandaloneStopITCase {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} broker(s)")
    @ValueSource(ints = {1, 3})
    void aStopAfterWorkLogsNoWarningAndNoError(int brokers) throws Exception {
        StandalonePlatform platform = StandalonePlatform.start(new StandalonePlatform.Settings(dir.toFile(), 0,
                FreePorts.consecutive(3), 3, Map.of("listeners", "PLAINTEXT://127.0.0.1:0",
                        // Compaction runs often, so that one may be under way when the platform stops.
                        "log.cleaner.backoff.ms", "50"), brokers), Clock.systemUTC());
        LoggedWarnings warnings = null;
        try {
            String bootstrap = platform.brokers().stream().map(b -> "127.0.0.1:" + b.kafkaPort())
                    .collect(Collectors.joining(","));
            work(bootstrap);
            warnings = LoggedWarnings.start();
        } finally {
            platform.close();
            if (warnings != null) {
                warnings.close();
            }
        }
        assertThat(warnings.lines()).as("what the stop logged at WARN or above").isEmpty();
    }

    /** Produces to a topic and a compacted one, and commits a group's offsets, on every broker. */
    private static void work(String bootstrap) throws Exception {
        try (Admin admin = TestClients.admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic("events", 6, (short) 2),
                    new NewTopic("profiles", 3, (short) 2).configs(Map.of("cleanup.policy", "compact",
                            "segment.bytes", "1024")))).all().get(60, TimeUnit.SECONDS);
        }
        try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap, Map.of())) {
            for (int i = 0; i < 600; i++) {
                producer.send(new ProducerRecord<>("events", "k" + i, "v" + i));
                producer.send(new ProducerRecord<>("profiles", "user-" + i % 20, "v" + i));
            }
            producer.flush();
        }
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "readers");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of("events"));
            int read = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (read < 600 && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(read).isEqualTo(600);
            consumer.commitSync(Duration.ofSeconds(30));
        }
    }
}
