package io.ledgerstream.connectors.jdbc.source;

import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A FLIP-27 source that polls one table for new rows, unbounded. It has one split, so it runs at parallelism 1;
 * its position is checkpointed with the split, and a restored job reads on from there.
 */
public final class PollingSource implements Source<ConnectorRecord, TableSplit, List<TableSplit>>,
        ResultTypeQueryable<ConnectorRecord> {
    private static final long serialVersionUID = 1L;
    private final JdbcSourceSettings settings;

    public PollingSource(JdbcSourceSettings settings) {
        this.settings = settings;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<TableSplit, List<TableSplit>> createEnumerator(SplitEnumeratorContext<TableSplit> ctx) {
        return new TableSplitEnumerator(ctx, List.of(TableSplit.initial()));
    }

    @Override
    public SplitEnumerator<TableSplit, List<TableSplit>> restoreEnumerator(SplitEnumeratorContext<TableSplit> ctx,
                                                                            List<TableSplit> checkpoint) {
        return new TableSplitEnumerator(ctx, checkpoint);
    }

    @Override
    public SimpleVersionedSerializer<TableSplit> getSplitSerializer() {
        return new TableSplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<List<TableSplit>> getEnumeratorCheckpointSerializer() {
        return new TableSplitSerializer.Pending();
    }

    @Override
    public SourceReader<ConnectorRecord, TableSplit> createReader(SourceReaderContext context) {
        return new PollingSourceReader(settings, context);
    }

    @Override
    public TypeInformation<ConnectorRecord> getProducedType() {
        return TypeInformation.of(ConnectorRecord.class);
    }
}
