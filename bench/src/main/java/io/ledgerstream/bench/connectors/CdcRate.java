package io.ledgerstream.bench.connectors;

/**
 * postgres-cdc's throughput: until every row was committed in the topic ({@code visible}), and the seconds, from
 * the same start, until every row was written to it (before the checkpoint that commits them).
 */
record CdcRate(Rate visible, double writtenSeconds) {
}
