package io.ledgerstream.log.metadata;

/** A topic with that name already exists. */
public final class TopicExistsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TopicExistsException(String topic) {
        super("Topic '" + topic + "' already exists");
    }
}
