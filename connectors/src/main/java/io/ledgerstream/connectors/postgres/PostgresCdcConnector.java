package io.ledgerstream.connectors.postgres;

import io.ledgerstream.connectors.runtime.ConnectorRecord;
import io.ledgerstream.connectors.runtime.ConnectorSpec;
import io.ledgerstream.connectors.runtime.SourceConnector;
import java.sql.Connection;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** A {@code postgres-cdc} source: one slot, so one reader, whatever the connector's parallelism. */
final class PostgresCdcConnector implements SourceConnector {
    private static final long serialVersionUID = 1L;
    private final CdcSettings settings;
    private final String connector;

    PostgresCdcConnector(String connector, CdcSettings settings) {
        this.connector = connector;
        this.settings = settings;
    }

    CdcSettings settings() {
        return settings;
    }

    @Override
    public DataStream<ConnectorRecord> read(StreamExecutionEnvironment env, ConnectorSpec spec) {
        return env.fromSource(new CdcSource(connector, settings), WatermarkStrategy.noWatermarks(),
                        "postgres-cdc " + settings.database())
                .setParallelism(1).uid("postgres-cdc");
    }

    /**
     * Drops the slot (freeing the WAL it holds) and the connector's own publication; a publication the file names
     * may serve others and is kept.
     */
    @Override
    public void deleteExternalState(ConnectorSpec spec) throws Exception {
        try (Connection c = Replication.connect(settings)) {
            Replication.dropSlot(c, settings.slot());
            if (settings.ownPublication()) {
                Replication.dropPublication(c, settings.publication());
            }
        }
    }
}
