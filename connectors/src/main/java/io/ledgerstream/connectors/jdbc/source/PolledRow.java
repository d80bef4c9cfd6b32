package io.ledgerstream.connectors.jdbc.source;

import io.ledgerstream.connectors.runtime.ConnectorRecord;

/** A row read by a poll: its record and the position just after it. Immutable. */
record PolledRow(ConnectorRecord record, TablePosition position) {
}
