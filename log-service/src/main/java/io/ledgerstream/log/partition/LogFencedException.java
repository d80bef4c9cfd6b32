package io.ledgerstream.log.partition;

/** Another writer took the partition over; this writer fails every later append and must not be used again. */
public final class LogFencedException extends LogException {
    private static final long serialVersionUID = 1L;

    public LogFencedException(String message, Throwable cause) {
        super(message, cause);
    }
}
