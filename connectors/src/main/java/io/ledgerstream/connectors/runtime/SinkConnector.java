package io.ledgerstream.connectors.runtime;

import java.io.Serializable;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A sink type's validated settings: how to decode a topic record into what it writes, and how to add its Flink
 * sink to a job.
 *
 * @param <T> what the sink writes, decoded from a record
 */
public interface SinkConnector<T> extends Serializable {
    /** The decoded type, for Flink's serializers. */
    TypeInformation<T> decodedType();

    /**
     * Decodes one record read from a topic.
     *
     * @throws BadRecordException when the record cannot be written (it then goes to the dead-letter topic, or fails
     *     the connector)
     */
    T decode(ConnectorRecord record) throws BadRecordException;

    /**
     * Adds the sink to the job.
     *
     * @return the records the external system refused after the sink's retries, marked failed, for the dead-letter
     *     topic; null when the sink fails the job instead
     */
    DataStream<ConnectorRecord> write(DataStream<T> records, ConnectorSpec spec);
}
