package io.ledgerstream.connectors.runtime;

/** A record a connector cannot take (not JSON, a missing field, a value of the wrong type): dead-letter material. */
public final class BadRecordException extends Exception {
    private static final long serialVersionUID = 1L;

    public BadRecordException(String message) {
        super(message);
    }

    public BadRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
