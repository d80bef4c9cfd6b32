package io.ledgerstream.log.metadata;

/**
 * One segment of a partition as stored in ZooKeeper: the ledger that holds it and the offsets it covers.
 * An open segment is being written (or its writer died); its end is only known once it is sealed, either by a
 * clean close or by recovery.
 *
 * @param ledgerId     the BookKeeper ledger holding the segment's batches, one batch per entry
 * @param baseOffset   offset of the first record of the segment's first entry
 * @param sealed       whether the ledger is closed and the fields below are final
 * @param endOffset    offset after the segment's last record; -1 while open
 * @param lastEntryId  id of the ledger's last entry; -1 while open or when the ledger is empty
 * @param sizeBytes    bytes of batches in the ledger; 0 while open
 * @param maxTimestamp newest record timestamp in the segment (for time retention); -1 while open or unknown
 * @param createdAtMs  wall clock time the segment was created
 */
public record SegmentRecord(long ledgerId, long baseOffset, boolean sealed, long endOffset, long lastEntryId,
                            long sizeBytes, long maxTimestamp, long createdAtMs) {

    /** A segment just created for writing. */
    public static SegmentRecord open(long ledgerId, long baseOffset, long createdAtMs) {
        return new SegmentRecord(ledgerId, baseOffset, false, -1, -1, 0, -1, createdAtMs);
    }

    /** This segment, sealed with its final extent. */
    public SegmentRecord seal(long endOffset, long lastEntryId, long sizeBytes, long maxTimestamp) {
        return new SegmentRecord(ledgerId, baseOffset, true, endOffset, lastEntryId, sizeBytes, maxTimestamp, createdAtMs);
    }

    /** Number of ledger entries (batches) in a sealed segment. */
    public long entryCount() {
        return lastEntryId + 1;
    }
}
