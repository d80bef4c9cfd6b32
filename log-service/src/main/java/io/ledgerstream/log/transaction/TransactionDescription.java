package io.ledgerstream.log.transaction;

import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * A transactional id as DescribeTransactions and ListTransactions show it, or the error a lookup of it got.
 *
 * @param startMs when its open transaction started, -1 when none is open
 */
public record TransactionDescription(String transactionalId, Errors error, TransactionState state, long producerId,
                                     short epoch, int timeoutMs, long startMs, Set<TopicPartition> partitions) {
    static TransactionDescription failed(Errors error) {
        return new TransactionDescription(null, error, null, -1, (short) -1, 0, -1, Set.of());
    }
}
