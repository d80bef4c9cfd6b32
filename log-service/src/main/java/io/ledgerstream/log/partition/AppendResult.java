package io.ledgerstream.log.partition;

/**
 * Where an acknowledged batch landed: the offsets of its first and last record, and the time the log stamped on it
 * when the topic uses log append time (-1 when its records keep their producer's timestamps).
 */
public record AppendResult(long baseOffset, long lastOffset, long logAppendTimeMs) {

    /** A batch whose records keep their create time. */
    public AppendResult(long baseOffset, long lastOffset) {
        this(baseOffset, lastOffset, -1);
    }
}
