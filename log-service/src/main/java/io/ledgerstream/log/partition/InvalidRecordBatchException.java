package io.ledgerstream.log.partition;

/**
 * A batch refused before anything was written: not a well-formed, intact Kafka v2 record batch, or one the topic
 * cannot take.
 */
public final class InvalidRecordBatchException extends LogException {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the batch. */
    public enum Reason {
        /** Fewer bytes than the header, or than the header's length field promises. */
        TRUNCATED,
        /** A magic byte other than 2: only v2 record batches are stored. */
        UNSUPPORTED_MAGIC,
        /** The CRC32C over the batch does not match the one it carries. */
        CRC_MISMATCH,
        /** Header fields that contradict each other or the bytes given. */
        INVALID_HEADER,
        /** A record without a key, sent to a compacted topic. */
        MISSING_KEY
    }

    private final Reason reason;

    public InvalidRecordBatchException(Reason reason, String message) {
        super(message, null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
