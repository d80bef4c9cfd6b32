package io.ledgerstream.cli.payments;

import io.ledgerstream.jobs.kafka.ClientConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A read_committed consumer that follows every partition of one topic from the beginning, without a group. Used
 * to show the state table as it changes and to read the whole input for the final check.
 *
 * <p>Not thread-safe, like the Kafka consumer it wraps: one thread uses it.
 */
final class TopicSnapshot implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final List<TopicPartition> partitions;

    TopicSnapshot(String bootstrap, ClientConfig client, String topic) {
        consumer = new KafkaConsumer<>(client.over(Map.of("bootstrap.servers", bootstrap, "fetch.max.wait.ms", "100",
                "isolation.level", "read_committed")),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Hands every record that arrived within {@code wait} to {@code each}. */
    void poll(Duration wait, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        consumer.poll(wait).forEach(each);
    }

    /** Reads up to the end offsets as of now, handing every record to {@code each}. */
    void readToEnd(Duration timeout, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read " + partitions + " to its end within " + timeout);
            }
            poll(Duration.ofMillis(200), each);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
