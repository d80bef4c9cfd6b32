package io.ledgerstream.jobs.kafka;

import java.io.Serializable;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.metrics.Counter;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a topic's records into events with a parser. A record the parser rejects (it throws
 * {@link MalformedEventException}) is skipped with a log line naming its topic, partition and offset, and counted in
 * the {@code malformedEvents} metric: one bad event must not stop a job forever.
 *
 * <p>Not thread-safe, as Flink expects: each source reader opens and calls its own copy from its task's thread.
 */
public final class EventDeserializer<T> implements KafkaRecordDeserializationSchema<T> {
    private static final Logger LOG = LoggerFactory.getLogger(EventDeserializer.class);

    /** Turns a record's key and value (either may be null) into an event. */
    @FunctionalInterface
    public interface RecordParser<T> extends Serializable {
        T parse(byte[] key, byte[] value);
    }

    private final RecordParser<T> parser;
    private final TypeInformation<T> type;
    private transient Counter malformed;

    private EventDeserializer(RecordParser<T> parser, TypeInformation<T> type) {
        this.parser = parser;
        this.type = type;
    }

    /** Events parsed from record values alone; records without a value are skipped. */
    public static <T> EventDeserializer<T> ofValues(SerializableFunction<byte[], T> parser, TypeInformation<T> type) {
        return new EventDeserializer<>((key, value) -> value == null ? null : parser.apply(value), type);
    }

    /** Events parsed from keys and values, tombstones (null values) included; a null result is skipped. */
    public static <T> EventDeserializer<T> ofRecords(RecordParser<T> parser, TypeInformation<T> type) {
        return new EventDeserializer<>(parser, type);
    }

    @Override
    public void open(DeserializationSchema.InitializationContext context) {
        malformed = context.getMetricGroup().counter("malformedEvents");
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<T> out) {
        try {
            T event = parser.parse(record.key(), record.value());
            if (event != null) {
                out.collect(event);
            }
        } catch (MalformedEventException e) {
            if (malformed != null) {
                malformed.inc();
            }
            LOG.warn("Skipping a malformed event at {}-{} offset {}: {}", record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return type;
    }
}
