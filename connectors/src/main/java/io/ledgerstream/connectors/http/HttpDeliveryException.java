package io.ledgerstream.connectors.http;

/** Records the endpoint refused, or that could not be delivered within the retries; names the URL and the answer. */
public final class HttpDeliveryException extends Exception {
    private static final long serialVersionUID = 1L;

    public HttpDeliveryException(String message) {
        super(message);
    }
}
