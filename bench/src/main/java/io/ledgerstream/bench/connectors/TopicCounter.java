package io.ledgerstream.bench.connectors;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Counts the records of a topic from its beginning: the committed ones (read_committed), as a reader of the
 * connector's output sees them, or all written so far (read_uncommitted), to tell the writing from the waiting for
 * the checkpoint that commits them.
 *
 * <p>Not thread-safe: one thread polls it.
 */
final class TopicCounter implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private long count;

    TopicCounter(String bootstrap, String topic, boolean committedOnly) {
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "isolation.level", committedOnly ? "read_committed" : "read_uncommitted",
                "fetch.max.wait.ms", "50", "max.poll.records", "10000"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /**
     * Polls until the topic holds {@code expected} records (committed ones, if so made).
     *
     * @return {@link System#nanoTime} when the poll that completed the count returned
     */
    long awaitCount(long expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The topic holds " + count + " of " + expected + " records after "
                        + timeout.toSeconds() + " s");
            }
            count += consumer.poll(Duration.ofMillis(100)).count();
        }
        return System.nanoTime();
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
