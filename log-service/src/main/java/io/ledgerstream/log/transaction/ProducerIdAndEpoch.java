package io.ledgerstream.log.transaction;

import org.apache.kafka.common.protocol.Errors;

/** InitProducerId's answer for a transactional id: the producer id and epoch, or the error. */
public record ProducerIdAndEpoch(Errors error, long producerId, short epoch) {
    static ProducerIdAndEpoch failed(Errors error) {
        return new ProducerIdAndEpoch(error, -1, (short) -1);
    }
}
