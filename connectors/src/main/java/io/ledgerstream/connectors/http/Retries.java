package io.ledgerstream.connectors.http;

import java.io.Serializable;
import java.time.Duration;

/**
 * When a POST is tried again: on a connection error and on the answers 408, 429 and 5xx, at most {@code max-retries}
 * times, after {@code retry-backoff}, doubled after each retry up to 30 s (or the backoff itself, if longer).
 *
 * <p>Immutable and serializable.
 */
record Retries(int maxRetries, Duration backoff) implements Serializable {
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    /** Whether an answer is worth another try: the request timed out, was throttled, or the server failed. */
    static boolean retriable(int status) {
        return status == 408 || status == 429 || (status >= 500 && status <= 599);
    }

    static boolean delivered(int status) {
        return status >= 200 && status <= 299;
    }

    /**
     * The pause before a retry.
     *
     * @param retry the retry's number, from 1
     */
    Duration delay(int retry) {
        Duration cap = backoff.compareTo(MAX_BACKOFF) > 0 ? backoff : MAX_BACKOFF;
        Duration delay = backoff;
        for (int i = 1; i < retry && delay.compareTo(cap) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        return delay.compareTo(cap) > 0 ? cap : delay;
    }
}
