package io.ledgerstream.log.metadata;

/**
 * A transaction a partition saw aborted: its producer, the offset of its first record here and the offset of its
 * abort marker. read_committed consumers skip that producer's transactional records between the two. Partitions keep
 * them in their aborted-transaction index and store them in their {@link ProducerSnapshot}.
 */
public record AbortedTransaction(long producerId, long firstOffset, long lastOffset) {
}
