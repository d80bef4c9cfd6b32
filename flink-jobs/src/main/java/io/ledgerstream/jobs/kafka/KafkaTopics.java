package io.ledgerstream.jobs.kafka;

import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Sources and sinks on topics of a Ledgerstream (or any Kafka) cluster, set up the one way our jobs use them: a
 * source starts from the group's committed offsets (from the earliest when it has none), reads only committed
 * transactions (read_committed) and commits on every checkpoint; a sink writes exactly once, in a Kafka transaction
 * per checkpoint that commits when the checkpoint completes, so a restart neither loses nor repeats output.
 */
public final class KafkaTopics {
    /**
     * The sinks' transaction timeout: under the broker's {@code transaction.max.timeout.ms} (15 minutes by
     * default, Flink's own default of one hour is refused), and far above a checkpoint's duration.
     */
    static final String TRANSACTION_TIMEOUT_MS = Long.toString(java.time.Duration.ofMinutes(10).toMillis());

    private final String bootstrapServers;

    public KafkaTopics(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public <T> KafkaSource<T> source(String topic, String groupId, KafkaRecordDeserializationSchema<T> events) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setTopics(topic)
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setDeserializer(events)
                .setProperty("isolation.level", "read_committed")
                .build();
    }

    /**
     * An exactly-once sink. {@code transactionalIdPrefix} must be unique per sink in the cluster and stay the same
     * across restarts of the job, so that a restart commits or aborts the transactions its previous run left.
     */
    public <T> KafkaSink<T> sink(KafkaRecordSerializationSchema<T> events, String transactionalIdPrefix) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(bootstrapServers)
                .setRecordSerializer(events)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setProperty("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                .build();
    }
}
