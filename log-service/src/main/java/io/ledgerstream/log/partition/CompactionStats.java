package io.ledgerstream.log.partition;

/**
 * What one compaction run of a partition did.
 *
 * @param segmentsRead    sealed segments rewritten
 * @param segmentsWritten segments that replaced them
 * @param recordsRead     records read from the rewritten segments
 * @param recordsRemoved  records dropped: superseded by a later record of their key, expired tombstones, no key
 * @param bytesBefore     bytes of the rewritten segments
 * @param bytesAfter      bytes of the segments that replaced them
 */
public record CompactionStats(int segmentsRead, int segmentsWritten, long recordsRead, long recordsRemoved,
                              long bytesBefore, long bytesAfter) {

    /** A run that found nothing to do. */
    public static final CompactionStats NONE = new CompactionStats(0, 0, 0, 0, 0, 0);
}
