package io.ledgerstream.log.partition;

/** Base of the errors a partition log reports; each subclass maps to one Kafka error code at the protocol edge. */
public abstract class LogException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected LogException(String message, Throwable cause) {
        super(message, cause);
    }
}
