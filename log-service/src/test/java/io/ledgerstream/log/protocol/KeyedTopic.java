package io.ledgerstream.log.protocol;

import io.ledgerstream.log.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The records of one topic with string keys, read from its start by a consumer of its own (no group): every value
 * of each key in offset order, tombstones included, and the latest value of each key with tombstones applied. Not
 * thread-safe.
 *
 * @param <V> the values' type
 */
final class KeyedTopic<V> implements AutoCloseable {
    private final String topic;
    private final KafkaConsumer<String, V> consumer;
    private final Map<String, List<V>> updates = new HashMap<>();
    private final Map<String, V> latest = new HashMap<>();
    private long read;

    /** Reads {@code topic}, which must exist, with {@code isolation} ({@code read_committed} or not). */
    KeyedTopic(String bootstrap, String topic, Deserializer<V> values, String isolation) {
        this.topic = topic;
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), values);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Reads until every partition is read up to its end offset as it is when this is called. */
    KeyedTopic<V> readToEnd(Duration timeout) {
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
        Await.until("the end of " + topic + " at " + ends, timeout, () -> {
            poll(Duration.ofMillis(100));
            return ends.entrySet().stream().allMatch(end -> consumer.position(end.getKey()) >= end.getValue());
        });
        return this;
    }

    /** Reads what one poll of up to {@code timeout} returns. */
    void poll(Duration timeout) {
        for (ConsumerRecord<String, V> r : consumer.poll(timeout)) {
            read++;
            updates.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r.value());
            if (r.value() == null) {
                latest.remove(r.key());
            } else {
                latest.put(r.key(), r.value());
            }
        }
    }

    /** How many records were read so far. */
    long recordsRead() {
        return read;
    }

    /** The sum of the topic's end offsets now. */
    long endOffsets() {
        return consumer.endOffsets(consumer.assignment()).values().stream().mapToLong(Long::longValue).sum();
    }

    /** Each key's values so far, in offset order; a tombstone is a null. */
    Map<String, List<V>> updates() {
        Map<String, List<V>> copy = new HashMap<>();
        updates.forEach((key, values) -> copy.put(key, new ArrayList<>(values)));
        return copy;
    }

    /** Each key's latest value so far; a key whose latest record is a tombstone is absent. */
    Map<String, V> latest() {
        return new HashMap<>(latest);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
