package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.SegmentRecord;
import io.ledgerstream.log.partition.RecordBatches;
import java.nio.ByteBuffer;
import io.ledgerstream.log.concurrent.Futures;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.bookkeeper.client.api.BKException;
import org.apache.bookkeeper.client.api.LedgerEntry;
import org.apache.bookkeeper.client.api.ReadHandle;
import org.apache.bookkeeper.client.api.WriteHandle;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the entries a deferred-sync ledger's writer acknowledged past the end the ledger was closed at. When a
 * bookie of its ensemble fails, BookKeeper cannot change a deferred-sync ledger's ensemble: the writer's client
 * closes the ledger at its LastAddConfirmed, which only a force moves, so entries acknowledged since the last force
 * lie past the ledger's end, on the bookies that acknowledged them. They are read from there (as unconfirmed entries)
 * and copied, offsets unchanged, into a new ledger that is closed at once and sealed after the recovered one.
 *
 * <p>Thread-safe: each call works on its own state.
 */
@ThreadSafe
final class LedgerSalvage {
    private static final Logger LOG = LoggerFactory.getLogger(LedgerSalvage.class);
    /** Entries read, then appended, at a time past the end; a read that fails is retried entry by entry. */
    private static final int CHUNK = 64;
    /** Reads of one entry tried again after a failure other than "no such entry", before deciding. */
    private static final int READ_RETRIES = 3;
    private static final long RETRY_DELAY_MS = 200;

    private final BookKeeperLedgers ledgers;
    private final Clock clock;
    private final TopicPartition partition;
    private final Replication replication;

    LedgerSalvage(BookKeeperLedgers ledgers, Clock clock, TopicPartition partition, Replication replication) {
        this.ledgers = ledgers;
        this.clock = clock;
        this.partition = partition;
        this.replication = replication;
    }

    /**
     * Copies the entries past the end of {@code recovered} (just fenced through {@code handle}), if it was written
     * with deferred sync: reads entries from its end on, a chunk at a time, and appends each chunk to a new ledger
     * (made at the first entry) before reading the next, so that a long unforced tail never sits in memory, until
     * the bookies answer that the next entry does not exist or an entry does not continue the offsets. Completes with
     * the new ledger, closed, as a sealed segment, or null when there was nothing past the end. A read of one entry
     * that fails otherwise is tried again; one that still fails because a bookie is gone ends the entries (see
     * {@link #unavailable}), any other failure fails the copy (and the new ledger is deleted): ending there could drop
     * acknowledged entries and reuse their offsets, so the partition's opening fails and is tried again.
     */
    CompletableFuture<SegmentRecord> copyPastEnd(ReadHandle handle, SegmentRecord recovered) {
        if (!BookKeeperLedgers.createdDeferred(handle)) {
            return CompletableFuture.completedFuture(null);
        }
        Copy copy = new Copy(handle.getId(), recovered.endOffset(), clock.millis());
        return copy.from(handle, handle.getLastAddConfirmed() + 1, CHUNK).handle((v, error) -> {
            if (error != null) {
                copy.discard();
                return CompletableFuture.<SegmentRecord>failedFuture(error);
            }
            return copy.finish();
        }).thenCompose(f -> f);
    }

    /**
     * Whether a read failed because a bookie of the entry's write set is gone. BookKeeper answers a read with an entry
     * when any bookie of its write set has it, and says no such entry only when all of them say so; with one gone,
     * an entry the others do not have fails this way. An acknowledged entry is on at least an ack quorum of its write
     * set, so when the failure persists across retries and the remaining bookies have nothing, there is nothing to
     * keep (with a write quorum above the ack quorum, an entry acknowledged by the bookie that is gone and one other
     * is on that other one, and is read).
     */
    private static boolean unavailable(Throwable error) {
        Throwable t = Futures.unwrap(error);
        return t instanceof BKException bk && bk.getCode() == BKException.Code.BookieHandleNotAvailableException;
    }

    /** Whether a read failed because the bookies have no such entry: the end of what was written. */
    private static boolean noSuchEntry(Throwable error) {
        Throwable t = Futures.unwrap(error);
        return t instanceof BKException bk && bk.getCode() == BKException.Code.NoSuchEntryException
                || BookKeeperErrors.isNoSuchLedger(t);
    }

    /** One copy under way: the target ledger, made at the first entry found, and what it holds so far. */
    private final class Copy {
        private final long sourceId;
        private final long base;
        private final long createdAt;
        // Not thread-safe: one chain of futures uses a copy, one step at a time, each step after the one before.
        private WriteHandle target;
        private long next;
        private long entries;
        private long size;
        private long maxTimestamp = -1;
        private boolean ended;

        Copy(long sourceId, long base, long createdAt) {
            this.sourceId = sourceId;
            this.base = base;
            this.next = base;
            this.createdAt = createdAt;
        }

        /** Reads {@code count} entries from {@code first}, appends them, and goes on until the end. */
        CompletableFuture<Void> from(ReadHandle handle, long first, int count) {
            return from(handle, first, count, 0);
        }

        private CompletableFuture<Void> from(ReadHandle handle, long first, int count, int retries) {
            return handle.readUnconfirmedAsync(first, first + count - 1).handle((read, error) -> {
                if (error != null) {
                    if (count > 1) {
                        return from(handle, first, 1, 0);
                    }
                    if (noSuchEntry(error) || unavailable(error) && retries == READ_RETRIES) {
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if (retries == READ_RETRIES) {
                        return CompletableFuture.<Void>failedFuture(error);
                    }
                    Executor later = CompletableFuture.delayedExecutor(RETRY_DELAY_MS, TimeUnit.MILLISECONDS);
                    return CompletableFuture.supplyAsync(() -> null, later)
                            .thenCompose(v -> from(handle, first, 1, retries + 1));
                }
                List<ByteBuffer> chunk = new ArrayList<>();
                try (read) {
                    for (LedgerEntry entry : read) {
                        ByteBuffer batch = ByteBuffer.wrap(entry.getEntryBytes());
                        if (RecordBatches.baseOffset(batch) != next) {
                            LOG.warn("Entry {} past the end of ledger {} of {} starts at offset {}, not {}; copying "
                                    + "the {} before it", entry.getEntryId(), sourceId, partition,
                                    RecordBatches.baseOffset(batch), next, entries + chunk.size());
                            ended = true;
                            break;
                        }
                        chunk.add(batch);
                        next = RecordBatches.nextOffset(batch);
                    }
                }
                CompletableFuture<Void> appended = append(chunk);
                return ended ? appended : appended.thenCompose(v -> from(handle, first + count, CHUNK));
            }).thenCompose(f -> f);
        }

        private CompletableFuture<Void> append(List<ByteBuffer> chunk) {
            if (chunk.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            CompletableFuture<WriteHandle> made = target != null ? CompletableFuture.completedFuture(target)
                    : ledgers.create(replication, partition, base).thenApply(h -> {
                        LOG.warn("Ledger {} of {} was closed before entries acknowledged with deferred sync; copying "
                                + "them to ledger {} from offset {}", sourceId, partition, h.getId(), base);
                        target = h;
                        return h;
                    });
            return made.thenCompose(h -> {
                for (ByteBuffer batch : chunk) {
                    entries++;
                    size += batch.remaining();
                    maxTimestamp = Math.max(maxTimestamp, RecordBatches.maxTimestamp(batch));
                }
                return CompletableFuture.allOf(chunk.stream().map(b -> h.appendAsync(b.array()))
                        .toArray(CompletableFuture[]::new));
            });
        }

        /** Closes the target and gives its sealed segment; null when nothing was copied. */
        CompletableFuture<SegmentRecord> finish() {
            if (target == null) {
                return CompletableFuture.completedFuture(null);
            }
            return ledgers.close(target).thenApply(v -> SegmentRecord.open(target.getId(), base, createdAt)
                    .seal(next, entries - 1, size, maxTimestamp)).whenComplete((r, e) -> {
                        if (e != null) {
                            discard();
                        }
                    });
        }

        /** Deletes the target, if one was made: nothing refers to it yet. */
        void discard() {
            if (target != null) {
                WriteHandle made = target;
                ledgers.close(made).whenComplete((x, y) -> ledgers.delete(made.getId()));
            }
        }
    }
}
