package io.ledgerstream.log.partition;

/**
 * A transaction a partition saw aborted: its producer, the offset of its first record here and the offset of its
 * abort marker. read_committed consumers skip that producer's transactional records between the two.
 */
public record AbortedTransaction(long producerId, long firstOffset, long lastOffset) {
}
