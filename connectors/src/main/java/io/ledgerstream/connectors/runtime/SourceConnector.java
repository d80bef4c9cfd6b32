package io.ledgerstream.connectors.runtime;

import java.io.Serializable;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A source type's validated settings, able to add its Flink source to a job. Its records are what goes to the
 * connector's topic; a record marked failed goes to the dead-letter topic instead (or fails the connector).
 */
public interface SourceConnector extends Serializable {
    /** Adds the source to the job and returns its records. */
    DataStream<ConnectorRecord> read(StreamExecutionEnvironment env, ConnectorSpec spec);

    /**
     * Removes what the connector created outside the platform (a replication slot, a publication), for
     * {@code connect delete}. Nothing by default.
     */
    default void deleteExternalState(ConnectorSpec spec) throws Exception {
    }
}
