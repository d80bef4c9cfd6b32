package io.ledgerstream.log.partition;

/** A read at an offset below the log start offset or beyond the log end offset. */
public final class OffsetOutOfRangeException extends LogException {
    private static final long serialVersionUID = 1L;

    private final long offset;
    private final long logStartOffset;
    private final long logEndOffset;

    public OffsetOutOfRangeException(long offset, long logStartOffset, long logEndOffset) {
        super("Offset " + offset + " is outside the log's range [" + logStartOffset + ", " + logEndOffset + "]", null);
        this.offset = offset;
        this.logStartOffset = logStartOffset;
        this.logEndOffset = logEndOffset;
    }

    public long offset() {
        return offset;
    }

    public long logStartOffset() {
        return logStartOffset;
    }

    public long logEndOffset() {
        return logEndOffset;
    }
}
