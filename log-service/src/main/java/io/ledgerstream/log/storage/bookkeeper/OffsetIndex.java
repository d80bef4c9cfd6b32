package io.ledgerstream.log.storage.bookkeeper;

import com.google.errorprone.annotations.ThreadSafe;
import com.google.errorprone.annotations.concurrent.GuardedBy;
import java.util.Arrays;

/**
 * Maps base offsets to the ledger entries that hold them, for one segment. Known points (entry id, base offset)
 * are kept sorted in two parallel arrays; both columns increase together, so one binary search finds the entry
 * at or below an offset.
 *
 * <p>A segment this broker wrote knows every entry (dense). A segment sealed elsewhere, or before a restart,
 * starts with only its first entry and its end; {@link #lookup} then names an entry to read, and each entry read
 * is added as a new point, so a lookup is a binary search over the ledger costing O(log entries) single-entry
 * reads, and later lookups near it cost none.
 *
 * <p>Thread-safe: every method holds the index's monitor.
 */
@ThreadSafe
final class OffsetIndex {
    /** The outcome of a lookup: the entry holding the offset, or the entry to read next to narrow the search. */
    record Lookup(long entryId, boolean found) {
    }

    @GuardedBy("this")
    private long[] entryIds = new long[16];
    @GuardedBy("this")
    private long[] baseOffsets = new long[16];
    @GuardedBy("this")
    private int size;
    /** Entry id after the segment's last entry, or -1 while the segment is open (then it is dense). */
    @GuardedBy("this")
    private long endEntryId = -1;

    OffsetIndex(long firstBaseOffset) {
        add(0, firstBaseOffset);
    }

    /** Records that entry {@code entryId} starts at {@code baseOffset}. */
    synchronized void add(long entryId, long baseOffset) {
        int i = Arrays.binarySearch(entryIds, 0, size, entryId);
        if (i >= 0) {
            return;
        }
        int at = -i - 1;
        if (size == entryIds.length) {
            entryIds = Arrays.copyOf(entryIds, size * 2);
            baseOffsets = Arrays.copyOf(baseOffsets, size * 2);
        }
        System.arraycopy(entryIds, at, entryIds, at + 1, size - at);
        System.arraycopy(baseOffsets, at, baseOffsets, at + 1, size - at);
        entryIds[at] = entryId;
        baseOffsets[at] = baseOffset;
        size++;
    }

    /** Marks the segment sealed with {@code lastEntryId} as its last entry. */
    synchronized void seal(long lastEntryId) {
        endEntryId = lastEntryId + 1;
    }

    /**
     * Finds the entry holding {@code offset}, which the caller knows lies in this segment.
     *
     * @return the entry, or (not found) an entry strictly between two known points to read and {@link #add}
     */
    synchronized Lookup lookup(long offset) {
        int i = Arrays.binarySearch(baseOffsets, 0, size, offset);
        int floor = i >= 0 ? i : -i - 2;
        if (floor < 0) {
            throw new IllegalArgumentException("offset " + offset + " is below the segment's base " + baseOffsets[0]);
        }
        long floorEntry = entryIds[floor];
        long nextEntry = floor + 1 < size ? entryIds[floor + 1] : endEntryId;
        if (nextEntry < 0 || nextEntry == floorEntry + 1) {
            return new Lookup(floorEntry, true);
        }
        return new Lookup(floorEntry + (nextEntry - floorEntry) / 2, false);
    }

    /** Number of known points. */
    synchronized int size() {
        return size;
    }
}
