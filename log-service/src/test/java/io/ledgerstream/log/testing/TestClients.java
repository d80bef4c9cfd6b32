package io.ledgerstream.log.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** kafka-clients' admin, producer and consumer with string keys and values, as the protocol tests use them. */
public final class TestClients {
    private TestClients() {
    }

    public static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    /** An admin client with {@code overrides} (security settings, for one). */
    public static Admin admin(String bootstrap, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.putAll(overrides);
        return Admin.create(p);
    }

    /** A producer with acks=all, plus {@code overrides}. */
    public static KafkaProducer<String, String> producer(String bootstrap, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.putAll(overrides);
        return new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
    }

    /** A consumer without a group or auto-commit, waiting at most 100 ms per fetch. */
    public static KafkaConsumer<String, String> consumer(String bootstrap) {
        return consumer(bootstrap, Map.of());
    }

    /** As {@link #consumer(String)}, plus {@code overrides}. */
    public static KafkaConsumer<String, String> consumer(String bootstrap, Map<String, String> overrides) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.putAll(overrides);
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Reads {@code partition} from its start until {@code count} records arrived or {@code timeout} passed, with a
     * consumer of its own; a record the consumer cannot decode fails the read.
     */
    public static List<ConsumerRecord<String, String>> readFromStart(String bootstrap, TopicPartition partition,
                                                                     int count, Duration timeout) {
        List<ConsumerRecord<String, String>> read = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer(bootstrap)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (read.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(read::add);
            }
        }
        return read;
    }
}
