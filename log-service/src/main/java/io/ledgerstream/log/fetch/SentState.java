package io.ledgerstream.log.fetch;

/**
 * What a session last told its consumer about a partition; an incremental response leaves a partition out when it
 * has no records, no error and none of these changed.
 */
public record SentState(long highWatermark, long lastStableOffset, long logStartOffset) {
    /** Before anything was sent: every partition is sent once. */
    static final SentState NOTHING = new SentState(Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);
}
