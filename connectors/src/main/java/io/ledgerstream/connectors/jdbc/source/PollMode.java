package io.ledgerstream.connectors.jdbc.source;

/** How the polling source finds new rows. */
public enum PollMode {
    /** Rows whose incrementing column is above the last one seen: new rows only, no updates. */
    INCREMENTING,
    /** Rows whose timestamp column is after the last one seen (ties broken by the incrementing column, if set). */
    TIMESTAMP
}
