package io.ledgerstream.connectors.jdbc.source;

/**
 * A split's position as rows are emitted: moved past each row in the same call that emits it, so a checkpoint
 * holds exactly the rows that went downstream before its barrier.
 *
 * <p>Not thread-safe: the reader's task thread owns it.
 */
final class TableSplitState {
    private final String splitId;
    private TablePosition position;

    TableSplitState(TableSplit split) {
        this.splitId = split.splitId();
        this.position = split.position();
    }

    void moveTo(TablePosition next) {
        position = next;
    }

    TablePosition position() {
        return position;
    }

    TableSplit toSplit() {
        return new TableSplit(splitId, position);
    }
}
