package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import io.ledgerstream.log.metadata.SegmentRecord;
import io.ledgerstream.log.partition.RecordBatches;
import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.bookkeeper.client.api.LedgerEntries;
import org.apache.bookkeeper.client.api.LedgerEntry;
import org.apache.bookkeeper.client.api.ReadHandle;
import org.apache.bookkeeper.client.api.WriteHandle;

/**
 * One segment of a partition: one ledger, the offsets it covers and its {@link OffsetIndex}. One ledger entry is
 * one record batch. A segment is either being written by this broker (it then reads through its write handle up
 * to the last acknowledged entry) or sealed (read through a handle opened on first use, without recovery).
 *
 * <p>Thread-safe. What only the writer needs (entry ids handed out, appends in flight) is the append pipeline's.
 */
@ThreadSafe
final class Segment {
    private static final int DEFAULT_ENTRY_SIZE = 16 * 1024;
    /** Most bytes one batch read asks a bookie for: below the bookies' default 5 MiB frame limit. */
    static final int MAX_BATCH_READ_BYTES = 3 << 20;

    private final BookKeeperLedgers ledgers;
    private final long ledgerId;
    private final long baseOffset;
    private final long createdAtMs;
    private final OffsetIndex index;

    /** The handle appends go to; null for segments sealed before this broker opened the partition. */
    private final WriteHandle writeHandle;
    /**
     * Whether {@link #writeHandle} writes with deferred sync, so that acknowledged entries may lie past its
     * LastAddConfirmed. Known once: reading the LastAddConfirmed takes the handle's lock, which its appends take too.
     */
    private final boolean deferredWrites;

    private volatile long lastReadableEntryId;
    private volatile long sizeBytes;
    private volatile long maxTimestamp;
    private volatile long endOffset;
    private volatile boolean replaced;
    @GuardedBy("this")
    private CompletableFuture<ReadHandle> readHandle;

    private Segment(BookKeeperLedgers ledgers, long ledgerId, long baseOffset, long createdAtMs, WriteHandle writeHandle,
                    long lastEntryId, long sizeBytes, long maxTimestamp, long endOffset) {
        this.ledgers = ledgers;
        this.ledgerId = ledgerId;
        this.baseOffset = baseOffset;
        this.createdAtMs = createdAtMs;
        this.writeHandle = writeHandle;
        this.deferredWrites = writeHandle != null && BookKeeperLedgers.deferredSync(writeHandle);
        this.index = new OffsetIndex(baseOffset);
        this.lastReadableEntryId = lastEntryId;
        this.sizeBytes = sizeBytes;
        this.maxTimestamp = maxTimestamp;
        this.endOffset = endOffset;
        if (writeHandle != null) {
            this.readHandle = CompletableFuture.completedFuture(writeHandle);
        } else {
            index.seal(lastEntryId);
        }
    }

    /** A new, empty segment this broker writes. */
    static Segment forWriting(BookKeeperLedgers ledgers, WriteHandle handle, long baseOffset, long createdAtMs) {
        return new Segment(ledgers, handle.getId(), baseOffset, createdAtMs, handle, -1, 0, -1, -1);
    }

    /** A sealed segment known from metadata. */
    static Segment sealed(BookKeeperLedgers ledgers, SegmentRecord record) {
        return new Segment(ledgers, record.ledgerId(), record.baseOffset(), record.createdAtMs(), null,
                record.lastEntryId(), record.sizeBytes(), record.maxTimestamp(), record.endOffset());
    }

    long ledgerId() {
        return ledgerId;
    }

    long baseOffset() {
        return baseOffset;
    }

    long sizeBytes() {
        return sizeBytes;
    }

    long createdAtMs() {
        return createdAtMs;
    }

    /** Newest record timestamp seen, or -1. */
    long maxTimestamp() {
        return maxTimestamp;
    }

    /** Newest record timestamp seen, or the creation time when batches carried none. */
    long retentionTimestamp() {
        return maxTimestamp >= 0 ? maxTimestamp : createdAtMs;
    }

    boolean isSealed() {
        return endOffset >= 0;
    }

    /** Records the base offset of an entry handed to BookKeeper; called by the one writer, in entry order. */
    void indexEntry(long entryId, long batchBaseOffset) {
        index.add(entryId, batchBaseOffset);
    }

    /** Records that an entry was acknowledged; called by the one writer, in entry order. */
    void acknowledged(long entryId, ByteBuffer batch) {
        sizeBytes += batch.remaining();
        maxTimestamp = Math.max(maxTimestamp, RecordBatches.maxTimestamp(batch));
        lastReadableEntryId = entryId;
    }

    /** Seals a segment this broker wrote, once its ledger is closed; {@code end} is the offset after its last record. */
    SegmentRecord seal(long end) {
        endOffset = end;
        index.seal(lastReadableEntryId);
        return SegmentRecord.open(ledgerId, baseOffset, createdAtMs)
                .seal(end, lastReadableEntryId, sizeBytes, maxTimestamp);
    }

    /**
     * Reads whole batches from the one holding {@code offset}: one range read of the entries estimated to fill
     * {@code maxBytes} (at most {@code readAhead} entries), then trimmed to {@code maxBytes} and to batches below
     * {@code limitOffset}. In a compacted segment the offset may fall in a gap left by removed records: the
     * batches then start at the first offset after it, and the result is empty when the segment holds nothing at
     * or after it.
     */
    CompletableFuture<List<ByteBuffer>> read(long offset, int maxBytes, long limitOffset, int readAhead) {
        return locate(offset).thenCompose(first -> readFrom(first, offset, maxBytes, limitOffset, readAhead));
    }

    private CompletableFuture<List<ByteBuffer>> readFrom(long first, long offset, int maxBytes, long limitOffset,
                                                         int readAhead) {
        long last = Math.max(first, Math.min(lastReadableEntryId, first + entriesFor(maxBytes, readAhead) - 1));
        // One request per bookie for the whole range (BookKeeper's batch read; it falls back to a read per
        // entry when the ensemble is wider than the write quorum). The bookie stops after maxSize bytes.
        int count = (int) (last - first + 1);
        long maxSize = Math.min(maxBytes, MAX_BATCH_READ_BYTES);
        return handle().thenCompose(h -> readRange(h, first, count, maxSize))
                .thenCompose(entries -> {
                    List<ByteBuffer> batches = toBatches(entries, offset, maxBytes, limitOffset);
                    // Only the entry located can end below the offset (compaction removed its later records).
                    if (batches.isEmpty() && first < lastReadableEntryId && limitOffset > offset) {
                        return readFrom(first + 1, offset, maxBytes, limitOffset, readAhead);
                    }
                    return CompletableFuture.completedFuture(batches);
                });
    }

    /**
     * Reads the batches of entries {@code first} onwards, at most {@code maxEntries} of them and about
     * {@code maxBytes} (at least one), for a scan of the whole segment.
     */
    CompletableFuture<List<ByteBuffer>> readEntries(long first, int maxEntries, int maxBytes) {
        int count = (int) Math.min(maxEntries, lastReadableEntryId - first + 1);
        return handle().thenCompose(h -> readRange(h, first, count, Math.min(maxBytes, MAX_BATCH_READ_BYTES)))
                .thenApply(entries -> toBatches(entries, -1, maxBytes, Long.MAX_VALUE));
    }

    /** Id of the last entry readable: the last of a sealed segment, the last acknowledged of an open one. */
    long lastEntryId() {
        return lastReadableEntryId;
    }

    /** Offset after the segment's last record once sealed; -1 while open. */
    long endOffset() {
        return endOffset;
    }

    /** Marks a sealed segment as replaced by a compacted one: its ledger is about to be deleted. */
    void replaced() {
        replaced = true;
    }

    /** Whether compaction replaced this segment, so a failed read should look the offset up again. */
    boolean isReplaced() {
        return replaced;
    }

    /** Releases the read handle of a sealed segment (the write handle is closed by the partition log). */
    CompletableFuture<Void> closeReader() {
        CompletableFuture<ReadHandle> handle;
        synchronized (this) {
            handle = readHandle;
        }
        if (handle == null || writeHandle != null) {
            return CompletableFuture.completedFuture(null);
        }
        return handle.thenCompose(ReadHandle::closeAsync);
    }

    private CompletableFuture<Long> locate(long offset) {
        OffsetIndex.Lookup lookup = index.lookup(offset);
        if (lookup.found()) {
            return CompletableFuture.completedFuture(lookup.entryId());
        }
        return handle().thenCompose(h -> pastConfirmed(h, lookup.entryId())
                        ? h.readUnconfirmedAsync(lookup.entryId(), lookup.entryId())
                        : h.readAsync(lookup.entryId(), lookup.entryId()))
                .thenCompose(entries -> {
                    try (entries) {
                        ByteBuffer probe = ByteBuffer.wrap(entries.getEntry(lookup.entryId()).getEntryBytes());
                        index.add(lookup.entryId(), RecordBatches.baseOffset(probe));
                    }
                    return locate(offset);
                });
    }

    /**
     * Reads {@code count} entries from {@code first}, at most about {@code maxSize} bytes of them. Past the
     * LastAddConfirmed of the write handle (which a deferred-sync ledger moves only when forced) the entries are
     * acknowledged but unconfirmed: they are read as such from the bookies that acknowledged them.
     */
    private CompletableFuture<LedgerEntries> readRange(ReadHandle h, long first, int count, long maxSize) {
        long last = first + count - 1;
        if (pastConfirmed(h, last)) {
            return h.readUnconfirmedAsync(first, last);
        }
        return h.batchReadAsync(first, count, maxSize);
    }

    /** Whether {@code entryId} lies past what the deferred-sync writer {@code h} has forced. */
    private boolean pastConfirmed(ReadHandle h, long entryId) {
        return deferredWrites && h == writeHandle && entryId > h.getLastAddConfirmed();
    }

    /** Whether this broker writes the segment's ledger with deferred sync (acknowledged before the fsync). */
    boolean deferredWrites() {
        return deferredWrites;
    }

    private synchronized CompletableFuture<ReadHandle> handle() {
        if (readHandle == null || readHandle.isCompletedExceptionally()) {
            readHandle = ledgers.openForRead(ledgerId);
        }
        return readHandle;
    }

    private int entriesFor(int maxBytes, int readAhead) {
        long entries = lastReadableEntryId + 1;
        long average = entries > 0 && sizeBytes > 0 ? Math.max(1, sizeBytes / entries) : DEFAULT_ENTRY_SIZE;
        long wanted = (maxBytes + average - 1) / average;
        return (int) Math.max(1, Math.min(readAhead, wanted));
    }

    /**
     * The entries' batches, without those that end below {@code offset}, trimmed to {@code maxBytes} (at least one)
     * and to batches below {@code limitOffset}, each copied out of the client's pooled buffer into an array of its
     * own: small arrays come cheap from the thread's allocation buffer, where one array for a whole read of
     * megabytes would be a fresh, zeroed region of the heap every time.
     */
    private static List<ByteBuffer> toBatches(LedgerEntries entries, long offset, int maxBytes, long limitOffset) {
        try (entries) {
            List<ByteBuffer> batches = new ArrayList<>();
            int size = 0;
            for (LedgerEntry entry : entries) {
                ByteBuf buffer = entry.getEntryBuffer();
                long base = buffer.getLong(buffer.readerIndex());
                if (base >= limitOffset || (!batches.isEmpty() && size + buffer.readableBytes() > maxBytes)) {
                    break;
                }
                if (base + buffer.getInt(buffer.readerIndex() + RecordBatches.LAST_OFFSET_DELTA) < offset) {
                    continue;
                }
                byte[] bytes = new byte[buffer.readableBytes()];
                buffer.getBytes(buffer.readerIndex(), bytes);
                batches.add(ByteBuffer.wrap(bytes));
                size += bytes.length;
            }
            return batches;
        }
    }

    @Override
    public String toString() {
        return "Segment[ledger=" + ledgerId + ", base=" + baseOffset + ", end=" + endOffset + "]";
    }
}
