package io.ledgerstream.log.partition;

import java.util.List;

/**
 * A batch refused before anything was written: not a well-formed, intact Kafka v2 record batch, or one the topic
 * cannot take. Refusals of single records carry their {@link RecordError}s.
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
        /** Records that cannot be read: an unknown codec, bytes that do not decompress, lengths that lie. */
        CORRUPT_RECORDS,
        /** Records that can be read but break a rule of the format or of the topic (keys, offsets, control). */
        INVALID_RECORD,
        /** A record timestamp outside the bounds the topic sets. */
        INVALID_TIMESTAMP
    }

    private final Reason reason;
    private final transient List<RecordError> recordErrors;

    /** A refusal of the batch as a whole. */
    public InvalidRecordBatchException(Reason reason, String message) {
        this(reason, message, List.of(), null);
    }

    /** A refusal of the batch as a whole because reading it failed with {@code cause}. */
    public InvalidRecordBatchException(Reason reason, String message, Throwable cause) {
        this(reason, message, List.of(), cause);
    }

    /** A refusal of single records, named by their index in the batch. */
    public InvalidRecordBatchException(Reason reason, String message, List<RecordError> recordErrors) {
        this(reason, message, recordErrors, null);
    }

    private InvalidRecordBatchException(Reason reason, String message, List<RecordError> recordErrors,
                                        Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.recordErrors = List.copyOf(recordErrors);
    }

    public Reason reason() {
        return reason;
    }

    /** The records refused one by one, in batch order; empty when the batch as a whole is refused. */
    public List<RecordError> recordErrors() {
        return recordErrors;
    }
}
