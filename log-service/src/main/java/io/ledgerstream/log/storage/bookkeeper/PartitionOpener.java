package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.concurrent.Futures;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.MetadataConflictException;
import io.ledgerstream.log.metadata.MetadataStore;
import io.ledgerstream.log.metadata.PartitionRecord;
import io.ledgerstream.log.metadata.SegmentRecord;
import io.ledgerstream.log.metadata.Versioned;
import io.ledgerstream.log.partition.LogFencedException;
import io.ledgerstream.log.partition.RecordBatches;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.bookkeeper.client.api.ReadHandle;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes ownership of a partition for writing, fencing whoever wrote it before.
 *
 * <p>Thread-safe: each call works on its own state.
 */
@ThreadSafe
final class PartitionOpener {
    private static final Logger LOG = LoggerFactory.getLogger(PartitionOpener.class);
    private static final int MAX_ATTEMPTS = 5;

    /** The partition as the new writer found it: its sealed segments in offset order and its new open segment. */
    record Opened(Versioned<PartitionRecord> metadata, List<SegmentRecord> sealedSegments, WriteHandle activeLedger) {
    }

    private final MetadataStore metadata;
    private final BookKeeperLedgers ledgers;
    private final Clock clock;

    PartitionOpener(MetadataStore metadata, BookKeeperLedgers ledgers, Clock clock) {
        this.metadata = metadata;
        this.ledgers = ledgers;
        this.clock = clock;
    }

    /**
     * Opens {@code partition} for writing.
     * <ol>
     *   <li>Read the partition record and its node version {@code v}.</li>
     *   <li>Fence and seal: open every unsealed segment's ledger with recovery, in chain order (sealed segments
     *       are sealed in chain order by their writer, so only the tail can be unsealed). Recovery fences the
     *       previous writer (its later appends fail) and seals the ledger at the last entry a quorum of bookies
     *       holds; that entry's header gives the segment's end offset (and, as the segment's newest timestamp,
     *       that batch's max timestamp). An empty ledger is dropped (the next one starts where it did). A ledger whose
     *       base offset is above the end of the one before it (the earlier one lost its unacknowledged tail) is
     *       dropped with every later one: appends complete in offset order, so none of their entries was ever
     *       acknowledged. A deferred-sync ledger may hold acknowledged entries past the end it was sealed at: its
     *       writer's client closes it at its last forced entry when a bookie fails. Those entries are read from the
     *       bookies that hold them and copied, offsets unchanged, into a new sealed ledger that follows it
     *       ({@link LedgerSalvage}).</li>
     *   <li>Create a new ledger for the next offset, with the topic's ensemble, write and ack quorums, with deferred
     *       sync when the topic's flush settings ask for it.</li>
     *   <li>Compare-and-set at {@code v} a record with the sealed segments, the new open segment and the writer
     *       epoch: the leader epoch given, or the last writer's plus one. A leader epoch below the last writer's
     *       fails at once with {@link LogFencedException}, before anything is fenced. On conflict (another writer
     *       is opening or writing) delete the new ledger and any copy made in step 2 and start again from step 1,
     *       at most five times, then fail with {@link LogFencedException}. On a failure before the compare-and-set,
     *       delete any copy and fail; on any other failure of the compare-and-set (it may have been stored all the
     *       same) keep the new ledger and the copies and fail.</li>
     *   <li>Delete the dropped ledgers. A failure here only leaves an unreferenced ledger behind; it is logged.</li>
     * </ol>
     */
    CompletableFuture<Opened> open(TopicPartition partition, Replication replication, int epoch,
                                   boolean deferredSync) {
        return attempt(partition, replication, epoch, deferredSync, 1);
    }

    /**
     * Attempts until one succeeds, at most {@link #MAX_ATTEMPTS}: a lost compare-and-set, or a ledger of the record
     * read that no longer exists (its writer removed an empty one from the chain and deleted it meanwhile), means
     * the record is stale: read it again.
     */
    private CompletableFuture<Opened> attempt(TopicPartition partition, Replication replication, int epoch,
                                              boolean deferredSync, int attempt) {
        return attemptOnce(partition, replication, epoch, deferredSync).exceptionallyCompose(error -> {
            boolean conflict = Futures.unwrap(error) instanceof MetadataConflictException;
            if ((conflict || BookKeeperErrors.isNoSuchLedger(error)) && attempt < MAX_ATTEMPTS) {
                LOG.info("Partition {} changed while opening it (attempt {}, {}); retrying", partition, attempt,
                        conflict ? "its record moved on" : "a ledger went");
                return attempt(partition, replication, epoch, deferredSync, attempt + 1);
            }
            return CompletableFuture.failedFuture(conflict
                    ? new LogFencedException("Partition " + partition
                            + " kept changing while opening it; another writer owns it", error)
                    : error);
        });
    }

    private CompletableFuture<Opened> attemptOnce(TopicPartition partition, Replication replication, int epoch,
                                                  boolean deferredSync) {
        FenceResult fenced = FenceResult.start();
        // Set when the compare-and-set failed other than by a conflict: it may have been stored all the same.
        AtomicBoolean mayBeStored = new AtomicBoolean();
        return metadata.partition(partition.topic(), partition.partition())
                .thenCompose(current -> refuseOlderEpoch(partition, current.value(), epoch)
                        .thenCompose(v -> fenceAndSeal(current.value(), fenced, new LedgerSalvage(ledgers, clock,
                                partition, replication))).thenCompose(sealed -> {
                    long next = sealed.kept.isEmpty()
                            ? current.value().logStartOffset()
                            : sealed.kept.get(sealed.kept.size() - 1).endOffset();
                    return ledgers.create(replication, partition, next, deferredSync).thenCompose(handle -> {
                        List<SegmentRecord> chain = new ArrayList<>(sealed.kept);
                        chain.add(SegmentRecord.open(handle.getId(), next, clock.millis()));
                        PartitionRecord updated = new PartitionRecord(
                                current.value().logStartOffset(),
                                epoch >= 0 ? epoch : current.value().writerEpoch() + 1,
                                current.value().cleanOffset(), chain);
                        return metadata.compareAndSetPartition(partition.topic(), partition.partition(), updated,
                                        current.version())
                                .handle((stored, error) -> {
                                    if (error == null) {
                                        sealed.dropped.forEach(id -> deleteQuietly(partition, id));
                                        sealed.empty.forEach(id -> deleteQuietly(partition, id));
                                        return CompletableFuture.completedFuture(
                                                new Opened(stored, sealed.kept, handle));
                                    }
                                    // A conflict goes up as it is, for attempt() to retry.
                                    boolean conflict = Futures.unwrap(error) instanceof MetadataConflictException;
                                    if (conflict) {
                                        ledgers.close(handle).whenComplete((x, y) ->
                                                deleteQuietly(partition, handle.getId()));
                                    } else {
                                        // The record may refer to the new ledger and the copies now: keep them.
                                        mayBeStored.set(true);
                                        ledgers.close(handle);
                                        LOG.warn("Storing the record of {} failed and may have been stored all the "
                                                + "same; keeping ledger {} and copies {}, unreferenced if it was not",
                                                partition, handle.getId(), sealed.copies);
                                    }
                                    return CompletableFuture.<Opened>failedFuture(conflict ? error
                                            : BookKeeperErrors.translate(error, partition.toString()));
                                }).thenCompose(f -> f);
                    });
                }))
                .whenComplete((opened, error) -> {
                    if (error != null && !mayBeStored.get()) {
                        fenced.copies.forEach(id -> deleteQuietly(partition, id));
                    }
                });
    }

    private static CompletableFuture<Void> refuseOlderEpoch(TopicPartition partition, PartitionRecord record,
                                                            int epoch) {
        if (epoch >= 0 && record.writerEpoch() > epoch) {
            return CompletableFuture.failedFuture(new LogFencedException("Partition " + partition
                    + " was opened in leader epoch " + record.writerEpoch() + ", after epoch " + epoch, null));
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Segments after step 2: sealed ones to keep, in order, ledger ids to drop from a gap on, empty ledgers to drop
     * (an empty ledger leaves no gap: the next segment starts where it did), and the ids of copies made of entries
     * past a deferred-sync ledger's end.
     */
    private record FenceResult(List<SegmentRecord> kept, List<Long> dropped, List<Long> empty, List<Long> copies) {
        static FenceResult start() {
            return new FenceResult(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                    new CopyOnWriteArrayList<>());
        }
    }

    /** Fills {@code into} (its copies are known to the caller even when a later step fails). */
    private CompletableFuture<FenceResult> fenceAndSeal(PartitionRecord record, FenceResult into,
                                                        LedgerSalvage salvage) {
        CompletableFuture<FenceResult> result = CompletableFuture.completedFuture(into);
        for (SegmentRecord segment : record.segments()) {
            result = result.thenCompose(acc -> {
                if (segment.sealed()) {
                    if (!acc.dropped.isEmpty() || !follows(acc, record, segment)) {
                        acc.dropped.add(segment.ledgerId());
                    } else {
                        acc.kept.add(segment);
                    }
                    return CompletableFuture.completedFuture(acc);
                }
                return recover(segment, salvage).thenApply(recovered -> {
                    boolean afterGap = !acc.dropped.isEmpty() || !follows(acc, record, recovered.segment());
                    SegmentRecord copy = recovered.copy();
                    if (copy != null) {
                        acc.copies.add(copy.ledgerId());
                    }
                    if (afterGap) {
                        acc.dropped.add(recovered.segment().ledgerId());
                        if (copy != null) {
                            acc.dropped.add(copy.ledgerId());
                        }
                        return acc;
                    }
                    if (recovered.segment().entryCount() == 0) {
                        acc.empty.add(recovered.segment().ledgerId());
                    } else {
                        acc.kept.add(recovered.segment());
                    }
                    if (copy != null) {
                        acc.kept.add(copy);
                    }
                    return acc;
                });
            });
        }
        return result;
    }

    /**
     * Whether a segment continues the chain kept so far: it starts where the last kept one ends, or, as the first,
     * at or below the log start offset (DeleteRecords may move the start into a segment).
     */
    private static boolean follows(FenceResult acc, PartitionRecord record, SegmentRecord segment) {
        return acc.kept.isEmpty() ? segment.baseOffset() <= record.logStartOffset()
                : segment.baseOffset() == acc.kept.get(acc.kept.size() - 1).endOffset();
    }

    /** A recovered segment, and the copy of entries acknowledged past its end (null when there are none). */
    private record Recovered(SegmentRecord segment, SegmentRecord copy) {
    }

    private CompletableFuture<Recovered> recover(SegmentRecord segment, LedgerSalvage salvage) {
        return ledgers.openAndFence(segment.ledgerId()).thenCompose(handle -> {
            long lastEntry = handle.getLastAddConfirmed();
            CompletableFuture<SegmentRecord> sealed;
            if (lastEntry < 0) {
                sealed = CompletableFuture.completedFuture(segment.seal(segment.baseOffset(), -1, 0, -1));
            } else {
                sealed = handle.readAsync(lastEntry, lastEntry).thenApply(entries -> {
                    try (entries) {
                        ByteBuffer last = ByteBuffer.wrap(entries.getEntry(lastEntry).getEntryBytes());
                        return segment.seal(RecordBatches.nextOffset(last), lastEntry, handle.getLength(),
                                RecordBatches.maxTimestamp(last));
                    }
                });
            }
            return sealed.thenCompose(recovered -> salvage.copyPastEnd(handle, recovered)
                            .thenApply(copy -> new Recovered(recovered, copy)))
                    .whenComplete((r, e) -> closeQuietly(handle));
        });
    }

    private void deleteQuietly(TopicPartition partition, long ledgerId) {
        ledgers.delete(ledgerId).whenComplete((v, e) -> {
            if (e != null && !BookKeeperErrors.isNoSuchLedger(e)) {
                LOG.warn("Could not delete unreferenced ledger {} of partition {}: {}", ledgerId, partition, e.toString());
            }
        });
    }

    private static void closeQuietly(ReadHandle handle) {
        handle.closeAsync().whenComplete((v, e) -> {
            if (e != null) {
                LOG.debug("Closing recovered ledger {} failed", handle.getId(), e);
            }
        });
    }
}
