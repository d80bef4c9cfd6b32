package io.ledgerstream.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retry loop with a scripted transport and a pause that only records its delays. */
class HttpPosterTest {
    private final Deque<Object> answers = new ArrayDeque<>();
    private final List<Duration> pauses = new ArrayList<>();
    private int posts;

    private HttpPoster poster(int maxRetries) {
        return new HttpPoster("http://h/in", body -> {
            posts++;
            Object answer = answers.poll();
            if (answer instanceof IOException e) {
                throw e;
            }
            return (Integer) answer;
        }, new Retries(maxRetries, Duration.ofMillis(100)), pauses::add);
    }

    @Test
    void serverErrorsAndConnectionErrorsAreRetriedUntilDelivered() throws Exception {
        answers.addAll(List.of(503, new ConnectException("refused"), 429, 200));

        HttpPoster.Outcome outcome = poster(5).send(new byte[0]);

        assertThat(outcome.delivered()).isTrue();
        assertThat(outcome.attempts()).isEqualTo(4);
        assertThat(pauses).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(400));
    }

    @Test
    void aClientErrorIsRefusedAtOnce() throws Exception {
        answers.addAll(List.of(400));

        HttpPoster.Outcome outcome = poster(5).send(new byte[0]);

        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.failure()).isEqualTo("POST http://h/in was refused with HTTP 400 (not retried)");
        assertThat(posts).isEqualTo(1);
        assertThat(pauses).isEmpty();
    }

    @Test
    void afterTheRetriesTheLastAnswerIsNamed() throws Exception {
        answers.addAll(List.of(500, 502, 503));

        HttpPoster.Outcome outcome = poster(2).send(new byte[0]);

        assertThat(outcome.delivered()).isFalse();
        assertThat(outcome.failure()).isEqualTo("POST http://h/in failed after 3 attempts; the last answer was HTTP 503");
        assertThat(posts).isEqualTo(3);
    }

    @Test
    void aLastConnectionErrorIsNamedToo() throws Exception {
        answers.addAll(List.of(new ConnectException("Connection refused")));

        HttpPoster.Outcome outcome = poster(0).send(new byte[0]);

        assertThat(outcome.failure()).isEqualTo("POST http://h/in failed after 1 attempt; the last try failed: "
                + "java.net.ConnectException: Connection refused");
    }
}
