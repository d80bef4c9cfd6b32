package io.ledgerstream.connectors.runtime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Connector records to and from topic records: a source's records keep their key, value and timestamp; a failed
 * record goes to the dead-letter topic with Kafka Connect's error headers ({@code __connect.errors.topic},
 * {@code .partition}, {@code .offset}, {@code .connector.name}, {@code .exception.class.name},
 * {@code .exception.message}), plus {@code __connect.errors.origin} for what a source read.
 */
final class TopicRecords {
    static final String HEADER_PREFIX = "__connect.errors.";

    private TopicRecords() {
    }

    /** Writes records to one topic; names the topic to the sink (lineage), as Flink's transaction naming needs. */
    static final class Writer implements KafkaRecordSerializationSchema<ConnectorRecord>, KafkaDatasetFacetProvider {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final String connector;
        private final boolean deadLetters;

        /** @param deadLetters whether these are failed records, written with the error headers */
        Writer(String topic, String connector, boolean deadLetters) {
            this.topic = topic;
            this.connector = connector;
            this.deadLetters = deadLetters;
        }

        @Override
        public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
            return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topic))));
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(ConnectorRecord record, KafkaSinkContext context,
                                                        Long timestamp) {
            Long time = record.timestamp == Long.MIN_VALUE ? null : record.timestamp;
            if (!deadLetters) {
                return new ProducerRecord<>(topic, null, time, record.key, record.value);
            }
            RecordHeaders headers = new RecordHeaders();
            if (record.originTopic != null) {
                header(headers, "topic", record.originTopic);
                header(headers, "partition", Integer.toString(record.originPartition));
                header(headers, "offset", Long.toString(record.originOffset));
            } else {
                header(headers, "origin", record.describeOrigin());
            }
            header(headers, "connector.name", connector);
            header(headers, "exception.class.name", record.errorClass);
            header(headers, "exception.message", record.error);
            return new ProducerRecord<>(topic, null, time, record.key, record.value, headers);
        }

        private static void header(RecordHeaders headers, String name, String value) {
            if (value != null) {
                headers.add(HEADER_PREFIX + name, value.getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    /** Reads topic records with their origin. */
    static final class Reader implements KafkaRecordDeserializationSchema<ConnectorRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<ConnectorRecord> out) {
            out.collect(ConnectorRecord.fromTopic(record.topic(), record.partition(), record.offset(), record.key(),
                    record.value(), record.timestamp()));
        }

        @Override
        public TypeInformation<ConnectorRecord> getProducedType() {
            return TypeInformation.of(ConnectorRecord.class);
        }
    }
}
