package io.ledgerstream.connectors.http;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POSTs one request body, retrying as {@link Retries} says, and tells whether it was delivered and, if not, why in
 * words naming the URL and the last answer. Secrets are in the transport's headers and never in these words.
 *
 * <p>Not thread-safe: one writer thread posts at a time.
 */
final class HttpPoster {
    private static final Logger LOG = LoggerFactory.getLogger(HttpPoster.class);

    /** Sends one POST and returns the answer's status. */
    interface Transport {
        int post(byte[] body) throws IOException, InterruptedException;
    }

    /** Opens a transport where the writer runs; serializable, since it travels with the job. */
    interface TransportFactory extends Serializable {
        Transport connect();
    }

    /** Waits between tries; tests give one that does not wait. */
    interface Pause {
        void pause(Duration delay) throws InterruptedException;
    }

    /** What became of a body: delivered, or not with the reason. */
    record Outcome(boolean delivered, int attempts, String failure) {
    }

    private final String url;
    private final Transport transport;
    private final Retries retries;
    private final Pause pause;

    HttpPoster(String url, Transport transport, Retries retries, Pause pause) {
        this.url = url;
        this.transport = transport;
        this.retries = retries;
        this.pause = pause;
    }

    /**
     * Sends a body until it is delivered, refused or out of retries.
     *
     * <ol>
     *   <li>POST it. A 2xx answer: delivered.
     *   <li>Another answer that is not worth a retry (a 4xx other than 408 and 429, a 3xx): refused at once.
     *   <li>A connection error, 408, 429 or 5xx: pause and go to 1, unless {@code max-retries} retries are spent;
     *       then it is not delivered, with the last answer or error named.
     * </ol>
     *
     * @throws InterruptedException when the task is cancelled while posting or pausing
     */
    Outcome send(byte[] body) throws InterruptedException {
        String last;
        for (int attempt = 1; ; attempt++) {
            try {
                int status = transport.post(body);
                if (Retries.delivered(status)) {
                    return new Outcome(true, attempt, null);
                }
                if (!Retries.retriable(status)) {
                    return new Outcome(false, attempt, "POST " + url + " was refused with HTTP " + status
                            + " (not retried)");
                }
                last = "the last answer was HTTP " + status;
            } catch (IOException e) {
                last = "the last try failed: " + e;
            }
            if (attempt > retries.maxRetries()) {
                return new Outcome(false, attempt, "POST " + url + " failed after " + attempt
                        + (attempt == 1 ? " attempt; " : " attempts; ") + last);
            }
            Duration delay = retries.delay(attempt);
            LOG.warn("POST {} failed ({}); retry {} of {} in {} ms", url, last, attempt, retries.maxRetries(),
                    delay.toMillis());
            pause.pause(delay);
        }
    }
}
