package io.ledgerstream.log.metadata;

import java.util.List;

/**
 * A partition as stored in ZooKeeper: its chain of segments in offset order, the first offset still readable, the
 * epoch of its current writer (bumped on every open for writing, stamped into batches as the leader epoch) and,
 * for compacted topics, where the part not yet compacted begins ({@code cleanOffset}, a segment boundary; 0 before
 * the first compaction). Immutable; every change is a compare-and-set of a new record on the node's version.
 */
public record PartitionRecord(long logStartOffset, long writerEpoch, long cleanOffset, List<SegmentRecord> segments) {

    public PartitionRecord {
        segments = List.copyOf(segments);
    }

    /** A partition with no data yet. */
    public static PartitionRecord empty() {
        return new PartitionRecord(0, 0, 0, List.of());
    }

    /** This record with a different segment chain. */
    public PartitionRecord withSegments(List<SegmentRecord> newSegments) {
        return new PartitionRecord(logStartOffset, writerEpoch, cleanOffset, newSegments);
    }
}
