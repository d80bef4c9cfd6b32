package io.ledgerstream.log.partition;

/** A batch larger than the topic's {@code max.message.bytes}; nothing was written. */
public final class RecordBatchTooLargeException extends LogException {
    private static final long serialVersionUID = 1L;

    public RecordBatchTooLargeException(int size, int limit) {
        super("Record batch of " + size + " bytes exceeds max.message.bytes " + limit, null);
    }
}
