package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import io.ledgerstream.log.config.Replication;
import io.ledgerstream.log.metadata.SegmentRecord;
import io.ledgerstream.log.partition.RecordBatches;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
    /** Entries asked for by one read past the end; a read that fails is retried entry by entry. */
    private static final int CHUNK = 64;

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
     * with deferred sync: reads entries from its end on until one is missing, checks that they continue its
     * offsets, and writes them to a new ledger, which it closes. Completes with the new ledger's sealed segment, or
     * null when there was nothing past the end. A read failure ends the entries found (an entry no bookie has fails
     * to read like one whose bookies are down).
     */
    CompletableFuture<SegmentRecord> copyPastEnd(ReadHandle handle, SegmentRecord recovered) {
        if (!BookKeeperLedgers.createdDeferred(handle)) {
            return CompletableFuture.completedFuture(null);
        }
        long end = recovered.endOffset();
        return readPast(handle, handle.getLastAddConfirmed() + 1, CHUNK, new ArrayList<>()).thenCompose(found -> {
            List<ByteBuffer> batches = contiguous(found, end);
            if (batches.isEmpty()) {
                return CompletableFuture.completedFuture(null);
            }
            LOG.warn("Ledger {} of {} was closed at entry {} before {} entries acknowledged with deferred sync; "
                    + "copying them to a new ledger from offset {}", handle.getId(), partition,
                    handle.getLastAddConfirmed(), batches.size(), end);
            return copy(batches, end);
        });
    }

    private CompletableFuture<List<ByteBuffer>> readPast(ReadHandle handle, long first, int count,
                                                         List<ByteBuffer> found) {
        return handle.readUnconfirmedAsync(first, first + count - 1).handle((entries, error) -> {
            if (error != null) {
                return count > 1 ? readPast(handle, first, 1, found) : CompletableFuture.completedFuture(found);
            }
            try (entries) {
                for (LedgerEntry entry : entries) {
                    found.add(ByteBuffer.wrap(entry.getEntryBytes()));
                }
            }
            return readPast(handle, first + count, CHUNK, found);
        }).thenCompose(f -> f);
    }

    /** The batches that continue the offsets from {@code end}, in order, up to the first that does not. */
    private List<ByteBuffer> contiguous(List<ByteBuffer> found, long end) {
        List<ByteBuffer> batches = new ArrayList<>();
        long next = end;
        for (ByteBuffer batch : found) {
            if (RecordBatches.baseOffset(batch) != next) {
                LOG.warn("Entry past the end of a ledger of {} starts at offset {}, not {}; keeping the {} before it",
                        partition, RecordBatches.baseOffset(batch), next, batches.size());
                break;
            }
            batches.add(batch);
            next = RecordBatches.nextOffset(batch);
        }
        return batches;
    }

    private CompletableFuture<SegmentRecord> copy(List<ByteBuffer> batches, long base) {
        long createdAt = clock.millis();
        return ledgers.create(replication, partition, base).thenCompose(handle -> {
            CompletableFuture<?>[] writes = batches.stream()
                    .map(b -> handle.appendAsync(b.duplicate().array()))
                    .toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(writes)
                    .thenCompose(v -> ledgers.close(handle))
                    .thenApply(v -> sealed(handle, batches, base, createdAt))
                    .whenComplete((r, e) -> {
                        if (e != null) {
                            ledgers.close(handle).whenComplete((x, y) -> ledgers.delete(handle.getId()));
                        }
                    });
        });
    }

    private static SegmentRecord sealed(WriteHandle handle, List<ByteBuffer> batches, long base, long createdAt) {
        ByteBuffer last = batches.get(batches.size() - 1);
        long size = batches.stream().mapToLong(ByteBuffer::remaining).sum();
        long maxTimestamp = batches.stream().mapToLong(RecordBatches::maxTimestamp).max().orElse(-1);
        return SegmentRecord.open(handle.getId(), base, createdAt)
                .seal(RecordBatches.nextOffset(last), batches.size() - 1, size, maxTimestamp);
    }
}
