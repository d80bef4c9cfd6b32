package io.ledgerstream.connectors;

import io.ledgerstream.connectors.runtime.ConnectorPipeline;
import io.ledgerstream.connectors.runtime.ConnectorSpec;
import io.ledgerstream.connectors.runtime.SinkConnector;
import io.ledgerstream.connectors.runtime.SourceConnector;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * A connector file read and validated: what every file says, and its source or its sink, ready to add to a job.
 *
 * @param yaml the file's text, which a job on a cluster parses again (secrets stay references)
 */
public record Connector(ConnectorSpec spec, SourceConnector source, SinkConnector<?> sink, String yaml) {

    /** Adds this connector's pipeline to {@code env}. */
    public void build(StreamExecutionEnvironment env) {
        if (source != null) {
            ConnectorPipeline.build(env, spec, source);
        } else {
            ConnectorPipeline.build(env, spec, sink);
        }
    }

    /** Removes what the connector created outside the platform, for {@code connect delete}. */
    public void deleteExternalState() throws Exception {
        if (source != null) {
            source.deleteExternalState(spec);
        }
    }
}
