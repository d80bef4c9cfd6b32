package io.ledgerstream.log.metadata;

import java.util.List;

/**
 * What a partition knew of its idempotent producers when every batch below {@code offset} was acknowledged: kept so
 * that a reopened partition replays only the log after it, however long ago a producer last wrote.
 *
 * @param offset    the high watermark the snapshot was taken at; it holds only batches below it
 * @param producers each producer with its epoch, last batch timestamp and its recent batches, oldest first
 */
public record ProducerSnapshot(long offset, List<Producer> producers) {

    public ProducerSnapshot {
        producers = List.copyOf(producers);
    }

    /** One producer as the snapshot keeps it. */
    public record Producer(long producerId, short epoch, long lastTimestamp, List<Batch> batches) {
        public Producer {
            batches = List.copyOf(batches);
        }
    }

    /** One batch of a producer: its sequence range and the offsets it was stored at. */
    public record Batch(int firstSeq, int lastSeq, long firstOffset, long lastOffset) {
    }
}
