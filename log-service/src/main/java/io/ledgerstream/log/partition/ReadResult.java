package io.ledgerstream.log.partition;

import io.ledgerstream.log.metadata.AbortedTransaction;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Batches read from a partition, in offset order, each a view of one whole Kafka v2 record batch as it was stored;
 * callers must not modify them. The first batch holds the offset asked for (it may start below it), except in a
 * compacted log, where the offsets have gaps: the first batch then holds the next offset that remains.
 *
 * @param batches             whole batches; empty when the read was at the high watermark (at the last stable
 *                            offset, for read_committed)
 * @param highWatermark       offset after the last acknowledged record at the time of the read
 * @param logStartOffset      the first readable offset at the time of the read
 * @param lastStableOffset    below it every transaction is decided
 * @param abortedTransactions for a read_committed read: the aborted transactions with records among the batches
 */
public record ReadResult(List<ByteBuffer> batches, long highWatermark, long logStartOffset, long lastStableOffset,
                         List<AbortedTransaction> abortedTransactions) {

    public ReadResult {
        batches = List.copyOf(batches);
        abortedTransactions = List.copyOf(abortedTransactions);
    }

    /** A read_uncommitted read of a log without open transactions. */
    public ReadResult(List<ByteBuffer> batches, long highWatermark, long logStartOffset) {
        this(batches, highWatermark, logStartOffset, highWatermark, List.of());
    }

    /** Total bytes of the batches. */
    public int sizeInBytes() {
        int size = 0;
        for (ByteBuffer b : batches) {
            size += b.remaining();
        }
        return size;
    }
}
