package io.ledgerstream.log.partition;

/** Where an acknowledged batch landed: the offsets of its first and last record. */
public record AppendResult(long baseOffset, long lastOffset) {
}
