package io.ledgerstream.connectors.runtime;

/** What a connector does with a record it cannot take, as Kafka Connect's {@code errors.tolerance}. */
public enum ErrorTolerance {
    /** Fail the connector, naming the record. */
    NONE,
    /** Send the record to the dead-letter topic (when one is set) and go on. */
    ALL
}
