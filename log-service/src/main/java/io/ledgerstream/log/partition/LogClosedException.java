package io.ledgerstream.log.partition;

/** The partition log was closed by its owner. */
public final class LogClosedException extends LogException {
    private static final long serialVersionUID = 1L;

    public LogClosedException(String partition) {
        super("Partition log " + partition + " is closed", null);
    }
}
