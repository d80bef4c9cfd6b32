package io.ledgerstream.connectors.jdbc.source;

import io.ledgerstream.connectors.runtime.ConnectorRecord;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/**
 * Emits a polled row's record (with the row's timestamp, if it has one) and moves the split's position past it.
 *
 * <p>Stateless; called on the reader's task thread.
 */
final class RowEmitter implements RecordEmitter<PolledRow, ConnectorRecord, TableSplitState> {
    @Override
    public void emitRecord(PolledRow row, SourceOutput<ConnectorRecord> output, TableSplitState split) {
        if (row.record().timestamp == Long.MIN_VALUE) {
            output.collect(row.record());
        } else {
            output.collect(row.record(), row.record().timestamp);
        }
        split.moveTo(row.position());
    }
}
