package io.ledgerstream.connectors.jdbc.source;

import org.apache.flink.api.connector.source.SourceSplit;

/**
 * The one split of a polled table, with the position to read on from. Immutable; {@link TableSplitState} is its
 * mutable counterpart while a reader emits rows.
 */
public record TableSplit(String splitId, TablePosition position) implements SourceSplit {
    /** The id of a table's only split. */
    public static final String ID = "table";

    /** A table's split before its first row. */
    public static TableSplit initial() {
        return new TableSplit(ID, TablePosition.START);
    }
}
