package io.ledgerstream.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetriesTest {
    @Test
    void theBackoffDoublesUpTo30Seconds() {
        Retries retries = new Retries(20, Duration.ofMillis(500));

        assertThat(retries.delay(1)).isEqualTo(Duration.ofMillis(500));
        assertThat(retries.delay(2)).isEqualTo(Duration.ofSeconds(1));
        assertThat(retries.delay(4)).isEqualTo(Duration.ofSeconds(4));
        assertThat(retries.delay(7)).isEqualTo(Duration.ofSeconds(30));
        assertThat(retries.delay(20)).isEqualTo(Duration.ofSeconds(30));
        assertThat(new Retries(3, Duration.ofMinutes(1)).delay(3)).isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void timeoutsThrottlingAndServerErrorsAreRetriedOtherClientErrorsNot() {
        assertThat(Retries.retriable(408)).isTrue();
        assertThat(Retries.retriable(429)).isTrue();
        assertThat(Retries.retriable(500)).isTrue();
        assertThat(Retries.retriable(503)).isTrue();
        assertThat(Retries.retriable(400)).isFalse();
        assertThat(Retries.retriable(404)).isFalse();
        assertThat(Retries.retriable(301)).isFalse();
        assertThat(Retries.delivered(204)).isTrue();
    }
}
