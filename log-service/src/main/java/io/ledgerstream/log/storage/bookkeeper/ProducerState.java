package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.ledgerstream.log.metadata.AbortedTransaction;
import io.ledgerstream.log.metadata.ProducerSnapshot;
import io.ledgerstream.log.partition.AbortedTransactions;
import io.ledgerstream.log.partition.AppendResult;
import io.ledgerstream.log.partition.ProducerStateTable;
import io.ledgerstream.log.partition.RecordBatches;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A partition log's producers: the {@link ProducerStateTable} that decides each append, the bound it puts on the
 * last stable offset (the oldest open transaction), and when to store a snapshot of it. The append pipeline calls
 * it in offset order while holding its own lock; readers ask for the last stable offset and aborted transactions
 * without that lock.
 *
 * <p>Thread-safe: the table is guarded by this object's monitor, taken after the pipeline's lock, never before.
 */
@ThreadSafe
final class ProducerState {
    private final Function<ProducerSnapshot, CompletableFuture<Void>> saveSnapshot;
    @GuardedBy("this")
    private final ProducerStateTable table = new ProducerStateTable();
    @GuardedBy("this")
    private long bytesSinceSnapshot;
    @GuardedBy("this")
    private boolean snapshotting;
    /** The first offset of the oldest open transaction ({@link Long#MAX_VALUE}: none). */
    private volatile long firstUnstableOffset = Long.MAX_VALUE;

    /** @param saveSnapshot stores a snapshot; its future never fails */
    ProducerState(Function<ProducerSnapshot, CompletableFuture<Void>> saveSnapshot) {
        this.saveSnapshot = saveSnapshot;
    }

    /** See {@link ProducerStateTable#check}. */
    synchronized CompletableFuture<AppendResult> check(long producerId, short epoch, int firstSeq, int lastSeq) {
        return table.check(producerId, epoch, firstSeq, lastSeq);
    }

    /** See {@link ProducerStateTable#checkEpoch}. */
    synchronized void checkEpoch(long producerId, short epoch) {
        table.checkEpoch(producerId, epoch);
    }

    /** Records an accepted batch at its offsets; a transactional one opens its producer's transaction here. */
    synchronized void accepted(ByteBuffer batch, long base, long last, CompletableFuture<AppendResult> appended) {
        long producerId = RecordBatches.producerId(batch);
        int firstSeq = RecordBatches.baseSequence(batch);
        if (firstSeq >= 0) {
            table.record(producerId, RecordBatches.producerEpoch(batch), firstSeq,
                    ProducerStateTable.lastSequence(batch), base, last, RecordBatches.maxTimestamp(batch), appended);
        }
        if (RecordBatches.isTransactionalOrControl(batch)) {
            table.beginTransaction(producerId, base);
            firstUnstableOffset = table.firstUnstableOffset();
        }
    }

    /** See {@link ProducerStateTable#fence}. */
    synchronized void fence(long producerId, short epoch, int coordinatorEpoch) {
        table.fence(producerId, epoch, coordinatorEpoch);
    }

    /** A marker was acknowledged: its transaction is decided. */
    synchronized void markerAcknowledged(ByteBuffer marker, long offset, boolean commit) {
        table.completeTransaction(RecordBatches.producerId(marker), offset, commit,
                RecordBatches.maxTimestamp(marker));
        firstUnstableOffset = table.firstUnstableOffset();
    }

    /**
     * The last stable offset for a high watermark: below it every transaction is decided. Read without a lock from
     * two values that only move up together, so it may lag but never runs ahead.
     */
    long lastStableOffset(long highWatermark) {
        return Math.min(firstUnstableOffset, highWatermark);
    }

    synchronized List<AbortedTransaction> abortedTransactions(long from, long to) {
        return table.aborted().overlapping(from, to);
    }

    /** A copy of the aborted-transaction index, for compaction. */
    synchronized AbortedTransactions abortedIndex() {
        return table.aborted().copy();
    }

    synchronized void truncateAborted(long logStartOffset) {
        table.aborted().truncateBefore(logStartOffset);
    }

    synchronized void restore(ProducerSnapshot snapshot) {
        table.restore(snapshot);
        firstUnstableOffset = table.firstUnstableOffset();
    }

    /** Learns from acknowledged batches read back on open; returns the offset after the last. */
    synchronized long replay(List<ByteBuffer> batches, long from) {
        long next = from;
        for (ByteBuffer batch : batches) {
            table.replay(batch);
            next = RecordBatches.nextOffset(batch);
        }
        firstUnstableOffset = table.firstUnstableOffset();
        return next;
    }

    synchronized boolean hasOpenTransaction(long producerId) {
        return table.hasOpenTransaction(producerId);
    }

    synchronized List<ProducerStateTable.ActiveProducer> active() {
        return table.active();
    }

    synchronized int expire(long nowMs, long expirationMs) {
        return table.expire(nowMs, expirationMs);
    }

    /** A snapshot at the high watermark, or null when there are no producers. */
    synchronized ProducerSnapshot snapshot(long highWatermark) {
        return table.size() == 0 ? null : table.snapshot(highWatermark);
    }

    /**
     * Counts acknowledged bytes; every {@link ProducerStateRecovery#PRODUCER_STATE_TAIL_BYTES} returns the task that
     * stores a snapshot at {@code highWatermark} (one at a time), else null.
     */
    synchronized Runnable acknowledged(int bytes, long highWatermark) {
        bytesSinceSnapshot += bytes;
        if (bytesSinceSnapshot < ProducerStateRecovery.PRODUCER_STATE_TAIL_BYTES || snapshotting
                || table.size() == 0) {
            return null;
        }
        ProducerSnapshot snapshot = table.snapshot(highWatermark);
        bytesSinceSnapshot = 0;
        snapshotting = true;
        return () -> {
            CompletableFuture<Void> saved;
            try {
                saved = saveSnapshot.apply(snapshot);
            } catch (RuntimeException e) {
                saved = CompletableFuture.failedFuture(e);
            }
            saved.whenComplete((v, e) -> {
                synchronized (this) {
                    snapshotting = false;
                }
            });
        };
    }
}
