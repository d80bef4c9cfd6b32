package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.ProducerSnapshot;
import io.ledgerstream.log.partition.PartitionLog;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a partition's producers (their sequences, open transactions and the aborted-transaction index) across reopens: restores them on open from the last producer snapshot
 * and the log after it (or, without a usable snapshot, from the log's tail), and stores snapshots as the log grows
 * and on a clean close.
 *
 * <p>Thread-safe: it holds no state of its own; the producers' table is the append pipeline's.
 */
@ThreadSafe
final class ProducerStateRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(ProducerStateRecovery.class);

    /**
     * Acknowledged bytes between two producer snapshots, and the log's tail read on open when there is no usable
     * snapshot (none taken yet, or too old: more than {@link #SNAPSHOT_REPLAY_LIMIT_BYTES} behind). Without a
     * snapshot, a producer whose last batch lies further back than the tail is met as new: its next batch gets
     * OUT_OF_ORDER_SEQUENCE_NUMBER and kafka-clients recovers by bumping its epoch (KIP-360); a transaction opened
     * or aborted before the tail is not known. Snapshots are taken at least this often while producers exist, so
     * only a snapshot that could not be stored leads there.
     */
    static final long PRODUCER_STATE_TAIL_BYTES = 64L << 20;
    /** Most bytes a reopen replays after a producer snapshot. */
    private static final long SNAPSHOT_REPLAY_LIMIT_BYTES = 4 * PRODUCER_STATE_TAIL_BYTES;
    private static final int REPLAY_READ_BYTES = 1 << 20;

    private final TopicPartition partition;
    private final String name;
    private final MetadataStore metadata;

    ProducerStateRecovery(TopicPartition partition, MetadataStore metadata) {
        this.partition = partition;
        this.name = partition.toString();
        this.metadata = metadata;
    }

    /**
     * Learns the producers on open: from the last producer snapshot and the log after it, or, without
     * a usable snapshot, from the log's tail, read through {@code log}.
     */
    CompletableFuture<Void> rebuild(ProducerState producers, long highWatermark, SegmentChain chain,
                                    PartitionLog log) {
        return metadata.producerSnapshot(partition.topic(), partition.partition())
                .exceptionally(e -> {
                    LOG.warn("Cannot read the producer snapshot of {}, replaying the log's tail instead: {}", name,
                            e.toString());
                    return Optional.empty();
                })
                .thenCompose(stored -> {
                    long tailStart = chain.tailStart(PRODUCER_STATE_TAIL_BYTES, highWatermark);
                    // A snapshot within the tail never costs more replay than the tail; an older one is used while
                    // the log after it stays under the limit.
                    if (stored.isPresent() && stored.get().offset() <= highWatermark
                            && (stored.get().offset() >= tailStart
                            || chain.bytesFrom(stored.get().offset()) <= SNAPSHOT_REPLAY_LIMIT_BYTES)) {
                        producers.restore(stored.get());
                        return replayFrom(producers, log, Math.max(stored.get().offset(), chain.logStartOffset()));
                    }
                    return replayFrom(producers, log, Math.max(tailStart, chain.logStartOffset()));
                });
    }

    private CompletableFuture<Void> replayFrom(ProducerState producers, PartitionLog log, long offset) {
        if (offset >= log.highWatermark()) {
            return CompletableFuture.completedFuture(null);
        }
        return log.readAsync(offset, REPLAY_READ_BYTES).thenCompose(read -> {
            long next;
            try (read) {
                next = producers.replay(read.batches(), offset);
            }
            return next > offset ? replayFrom(producers, log, next) : CompletableFuture.completedFuture(null);
        });
    }

    /** Stores a producer snapshot; the future never fails: a failure only means the next open replays more. */
    CompletableFuture<Void> save(ProducerSnapshot snapshot) {
        return metadata.saveProducerSnapshot(partition.topic(), partition.partition(), snapshot)
                .handle((v, e) -> {
                    if (e != null) {
                        LOG.warn("Could not store the producer snapshot of {} at offset {}: {}", name,
                                snapshot.offset(), e.toString());
                    }
                    return null;
                });
    }

    /** On a clean close: a snapshot at the end, so that the next open replays nothing. */
    CompletableFuture<Void> saveOnClose(AppendPipeline pipeline) {
        ProducerSnapshot snapshot = pipeline.producerSnapshotAtEnd();
        return snapshot == null ? CompletableFuture.completedFuture(null) : save(snapshot);
    }
}
