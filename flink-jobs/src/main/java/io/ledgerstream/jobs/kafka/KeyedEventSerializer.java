package io.ledgerstream.jobs.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes events to one topic keyed by a string the event names (its key in the state table), so a topic of
 * changes reads as upserts: the latest record of a key is the row, and every row of one key stays in one partition.
 */
public final class KeyedEventSerializer<T> implements KafkaRecordSerializationSchema<T> {
    private final String topic;
    private final SerializableFunction<T, String> key;
    private final SerializableFunction<T, byte[]> value;

    public KeyedEventSerializer(String topic, SerializableFunction<T, String> key,
                                SerializableFunction<T, byte[]> value) {
        this.topic = topic;
        this.key = key;
        this.value = value;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T event, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(topic, null, timestamp, key.apply(event).getBytes(StandardCharsets.UTF_8),
                value.apply(event));
    }
}
