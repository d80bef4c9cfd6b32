package io.ledgerstream.connectors.jdbc.source;

import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.util.Map;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;

/**
 * The polling source's reader: one fetcher thread runs a {@link TablePoller}; the task thread emits its rows
 * through a {@link RowEmitter}. The split never finishes.
 *
 * <p>Threading as Flink's {@code SourceReaderBase}: its methods run on the task thread.
 */
final class PollingSourceReader
        extends SingleThreadMultiplexSourceReaderBase<PolledRow, ConnectorRecord, TableSplit, TableSplitState> {

    PollingSourceReader(JdbcSourceSettings settings, SourceReaderContext context) {
        super(() -> new TablePoller(settings), new RowEmitter(), context.getConfiguration(), context);
    }

    @Override
    protected void onSplitFinished(Map<String, TableSplitState> finished) {
    }

    @Override
    protected TableSplitState initializedState(TableSplit split) {
        return new TableSplitState(split);
    }

    @Override
    protected TableSplit toSplitType(String splitId, TableSplitState state) {
        return state.toSplit();
    }
}
