package io.ledgerstream.log.protocol.handlers;

import org.apache.kafka.common.protocol.Errors;

/** How older versions of the transaction APIs spell a fenced producer, as Kafka answers them. */
final class TransactionErrors {
    private TransactionErrors() {
    }

    /** PRODUCER_FENCED exists from {@code sinceVersion} on; before it, clients know it as INVALID_PRODUCER_EPOCH. */
    static Errors forVersion(Errors error, short version, int sinceVersion) {
        return error == Errors.PRODUCER_FENCED && version < sinceVersion ? Errors.INVALID_PRODUCER_EPOCH : error;
    }
}
