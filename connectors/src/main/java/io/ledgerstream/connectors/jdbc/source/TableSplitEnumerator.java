package io.ledgerstream.connectors.jdbc.source;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;

/**
 * Hands the table's one split to the first reader that registers, and takes it back when that reader fails
 * before a checkpoint (the reader then restores its own checkpointed position, or gets the split back here).
 *
 * <p>Not thread-safe: Flink calls an enumerator on the coordinator's one thread.
 */
final class TableSplitEnumerator implements SplitEnumerator<TableSplit, List<TableSplit>> {
    private final SplitEnumeratorContext<TableSplit> context;
    private final List<TableSplit> unassigned;

    TableSplitEnumerator(SplitEnumeratorContext<TableSplit> context, List<TableSplit> unassigned) {
        this.context = context;
        this.unassigned = new ArrayList<>(unassigned);
    }

    @Override
    public void start() {
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        assign(subtaskId);
    }

    @Override
    public void addSplitsBack(List<TableSplit> splits, int subtaskId) {
        unassigned.addAll(splits);
    }

    @Override
    public void addReader(int subtaskId) {
        assign(subtaskId);
    }

    @Override
    public List<TableSplit> snapshotState(long checkpointId) {
        return List.copyOf(unassigned);
    }

    @Override
    public void close() {
    }

    private void assign(int subtaskId) {
        if (!unassigned.isEmpty()) {
            context.assignSplit(unassigned.remove(0), subtaskId);
        }
    }
}
