package io.ledgerstream.connectors.postgres;

import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.util.List;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A Flink source of a PostgreSQL database's row changes through one logical replication slot: one split, read by
 * one reader, whose position is checkpointed and confirmed to the slot only when the checkpoint completes.
 *
 * <p>Immutable; Flink ships it to the JobManager and the TaskManagers.
 */
final class CdcSource implements Source<ConnectorRecord, CdcSplit, List<CdcSplit>> {
    private static final long serialVersionUID = 1L;
    private final String connector;
    private final CdcSettings settings;

    CdcSource(String connector, CdcSettings settings) {
        this.connector = connector;
        this.settings = settings;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SplitEnumerator<CdcSplit, List<CdcSplit>> createEnumerator(SplitEnumeratorContext<CdcSplit> context) {
        return new CdcEnumerator(context, List.of(CdcSplit.initial(settings.slot())));
    }

    @Override
    public SplitEnumerator<CdcSplit, List<CdcSplit>> restoreEnumerator(SplitEnumeratorContext<CdcSplit> context,
                                                                      List<CdcSplit> state) {
        return new CdcEnumerator(context, state);
    }

    @Override
    public SimpleVersionedSerializer<CdcSplit> getSplitSerializer() {
        return CdcSplit.Serializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<List<CdcSplit>> getEnumeratorCheckpointSerializer() {
        return CdcEnumerator.StateSerializer.INSTANCE;
    }

    @Override
    public SourceReader<ConnectorRecord, CdcSplit> createReader(SourceReaderContext context) {
        return new CdcReader(context, new ChangeEvents(connector, settings), settings);
    }
}
