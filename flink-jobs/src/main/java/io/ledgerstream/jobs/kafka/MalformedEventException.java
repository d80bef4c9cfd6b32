package io.ledgerstream.jobs.kafka;

/** An event that does not follow its topic's documented schema; the message names what is wrong. */
public class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) {
        super(message);
    }
}
