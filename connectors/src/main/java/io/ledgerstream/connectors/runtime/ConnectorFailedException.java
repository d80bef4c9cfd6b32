package io.ledgerstream.connectors.runtime;

/** A connector that must stop: a record it cannot take under {@code errors.tolerance: none}, named by origin. */
public final class ConnectorFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConnectorFailedException(String message) {
        super(message);
    }
}
