package io.ledgerstream.connectors.files.source;

import io.ledgerstream.connectors.runtime.ConnectorRecord;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.MutableRecordAndPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;

/**
 * Records read from a file in one batch, each with its position: the number of lines read up to and including its
 * own, which is where a restore resumes after it.
 *
 * <p>Not thread-safe: filled by the reader, then drained by Flink's fetcher.
 */
final class LineBatch implements BulkFormat.RecordIterator<ConnectorRecord> {
    private final List<ConnectorRecord> records = new ArrayList<>();
    private final List<Long> lineNumbers = new ArrayList<>();
    private final MutableRecordAndPosition<ConnectorRecord> current = new MutableRecordAndPosition<>();
    private int next;

    void add(ConnectorRecord record, long lineNumber) {
        records.add(record);
        lineNumbers.add(lineNumber);
    }

    boolean isEmpty() {
        return records.isEmpty();
    }

    @Override
    public RecordAndPosition<ConnectorRecord> next() {
        if (next == records.size()) {
            return null;
        }
        current.set(records.get(next), CheckpointedPosition.NO_OFFSET, lineNumbers.get(next));
        next++;
        return current;
    }

    @Override
    public void releaseBatch() {
    }
}
