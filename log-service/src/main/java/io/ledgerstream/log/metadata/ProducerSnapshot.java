package io.ledgerstream.log.metadata;

import java.util.List;

/**
 * What a partition knew of its producers when every batch below {@code offset} was acknowledged: kept so that a
 * reopened partition replays only the log after it, however long ago a producer last wrote.
 *
 * @param offset    the high watermark the snapshot was taken at; it holds only batches below it
 * @param producers each producer with its epoch, last batch timestamp, open transaction and recent batches
 * @param aborted   the aborted transactions whose marker lies below {@code offset}, oldest first
 */
public record ProducerSnapshot(long offset, List<Producer> producers, List<AbortedTransaction> aborted) {

    public ProducerSnapshot {
        producers = List.copyOf(producers);
        aborted = List.copyOf(aborted);
    }

    /**
     * One producer as the snapshot keeps it.
     *
     * @param txnFirstOffset   the first offset of its open transaction here, -1 when it has none
     * @param coordinatorEpoch the coordinator epoch of its newest marker here, -1 before any
     */
    public record Producer(long producerId, short epoch, long lastTimestamp, long txnFirstOffset,
                           int coordinatorEpoch, List<Batch> batches) {
        public Producer {
            batches = List.copyOf(batches);
        }
    }

    /** One batch of a producer: its sequence range and the offsets it was stored at. */
    public record Batch(int firstSeq, int lastSeq, long firstOffset, long lastOffset) {
    }
}
