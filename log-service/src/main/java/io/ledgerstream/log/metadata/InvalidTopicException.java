package io.ledgerstream.log.metadata;

/** A topic name Kafka would not accept. */
public final class InvalidTopicException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public InvalidTopicException(String message) {
        super(message);
    }
}
