package io.ledgerstream.log.partition;

/**
 * The storage below the log failed (a bookie error, a ZooKeeper error; too few bookies is
 * {@link NotEnoughBookiesException}). The write
 * that met it, and every later one, fails; the log must be reopened (which recovers it) before it accepts writes.
 */
public final class LogStorageException extends LogException {
    private static final long serialVersionUID = 1L;

    public LogStorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
