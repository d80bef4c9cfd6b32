package io.ledgerstream.log.metadata;

/** The topic or partition asked for does not exist. */
public final class UnknownTopicException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnknownTopicException(String what) {
        super("Unknown topic or partition: " + what);
    }
}
