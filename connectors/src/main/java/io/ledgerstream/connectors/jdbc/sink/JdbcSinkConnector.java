package io.ledgerstream.connectors.jdbc.sink;

import io.ledgerstream.connectors.runtime.BadRecordException;
import io.ledgerstream.connectors.runtime.ConnectorRecord;
import io.ledgerstream.connectors.runtime.ConnectorSpec;
import io.ledgerstream.connectors.runtime.SinkConnector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * A validated {@code jdbc} sink block: decodes records into row changes and adds the {@link JdbcSink}. Rows the
 * database refuses fail the job (after retries, for transient errors), so {@link #write} returns no refused
 * records.
 */
public final class JdbcSinkConnector implements SinkConnector<RowChange> {
    private static final long serialVersionUID = 1L;
    private final JdbcSinkSettings settings;
    private final RowChangeDecoder decoder;

    public JdbcSinkConnector(JdbcSinkSettings settings) {
        this.settings = settings;
        this.decoder = new RowChangeDecoder(settings.primaryKey());
    }

    public JdbcSinkSettings settings() {
        return settings;
    }

    @Override
    public TypeInformation<RowChange> decodedType() {
        return TypeInformation.of(RowChange.class);
    }

    @Override
    public RowChange decode(ConnectorRecord record) throws BadRecordException {
        return decoder.decode(record);
    }

    @Override
    public DataStream<ConnectorRecord> write(DataStream<RowChange> records, ConnectorSpec spec) {
        records.sinkTo(new JdbcSink(settings)).name("table " + settings.table()).uid("jdbc-sink");
        return null;
    }
}
