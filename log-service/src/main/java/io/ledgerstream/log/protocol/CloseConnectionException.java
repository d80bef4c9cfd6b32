package io.ledgerstream.log.protocol;

/**
 * A handler's way to say that the connection must close instead of answering, as Kafka does when an acks=0 produce
 * fails: the client gets no response to learn from, so closing makes it refresh its metadata and reconnect.
 */
public final class CloseConnectionException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CloseConnectionException(String message) {
        super(message);
    }
}
