package io.ledgerstream.connectors.jdbc.source;

import io.ledgerstream.connectors.runtime.ConnectorRecord;
import io.ledgerstream.connectors.runtime.ConnectorSpec;
import io.ledgerstream.connectors.runtime.SourceConnector;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A validated {@code jdbc} source block: adds the {@link PollingSource}, at parallelism 1 (one table, one split). */
public final class JdbcSourceConnector implements SourceConnector {
    private static final long serialVersionUID = 1L;
    private final JdbcSourceSettings settings;

    public JdbcSourceConnector(JdbcSourceSettings settings) {
        this.settings = settings;
    }

    public JdbcSourceSettings settings() {
        return settings;
    }

    @Override
    public DataStream<ConnectorRecord> read(StreamExecutionEnvironment env, ConnectorSpec spec) {
        return env.fromSource(new PollingSource(settings), WatermarkStrategy.noWatermarks(),
                        "table " + settings.table())
                .uid("jdbc-source").setParallelism(1);
    }
}
