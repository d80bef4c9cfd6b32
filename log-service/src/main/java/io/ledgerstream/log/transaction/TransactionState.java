package io.ledgerstream.log.transaction;

/**
 * Where a transactional id's transaction stands, under the names Kafka's tools show. Kafka's PrepareEpochFence is
 * never stored (an abort under a bumped epoch is recorded as PrepareAbort) and Dead belongs to id expiration, which
 * is not done.
 */
public enum TransactionState {
    EMPTY("Empty"),
    ONGOING("Ongoing"),
    PREPARE_COMMIT("PrepareCommit"),
    PREPARE_ABORT("PrepareAbort"),
    COMPLETE_COMMIT("CompleteCommit"),
    COMPLETE_ABORT("CompleteAbort");

    private final String kafkaName;

    TransactionState(String kafkaName) {
        this.kafkaName = kafkaName;
    }

    /** The name DescribeTransactions and ListTransactions report. */
    public String kafkaName() {
        return kafkaName;
    }

    /** Whether markers are being written: new requests of the producer get CONCURRENT_TRANSACTIONS meanwhile. */
    boolean preparing() {
        return this == PREPARE_COMMIT || this == PREPARE_ABORT;
    }
}
