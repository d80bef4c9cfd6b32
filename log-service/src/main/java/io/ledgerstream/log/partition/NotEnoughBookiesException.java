package io.ledgerstream.log.partition;

/**
 * An append or an open failed because fewer bookies accept writes than the topic's ack quorum needs: Kafka's
 * NOT_ENOUGH_REPLICAS. Nothing of the failed appends is acknowledged; writes resume once bookies are back.
 */
public final class NotEnoughBookiesException extends LogException {
    private static final long serialVersionUID = 1L;

    public NotEnoughBookiesException(String message, Throwable cause) {
        super(message, cause);
    }
}
