package io.ledgerstream.connectors.jdbc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {
    private final List<Duration> waits = new ArrayList<>();
    private final AtomicInteger resets = new AtomicInteger();
    private final Retrier retrier = new Retrier("shop.orders", 4, Duration.ofMillis(500), Duration.ofSeconds(1),
            waits::add);

    @Test
    void transientErrorsAreRetriedWithDoublingCappedBackoff() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        int result = retrier.run(() -> {
            if (calls.incrementAndGet() <= 3) {
                throw new SQLException("connection refused", "08001");
            }
            return 7;
        }, resets::incrementAndGet);

        assertThat(result).isEqualTo(7);
        assertThat(waits).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(1));
        assertThat(resets).hasValue(3);
    }

    @Test
    void afterTheLastRetryTheErrorNamesTheTableAndTheLastError() {
        assertThatThrownBy(() -> retrier.run(() -> {
            throw new SQLException("deadlock detected", "40P01");
        }, resets::incrementAndGet))
                .isInstanceOf(JdbcWriteException.class)
                .hasMessage("Writing to table shop.orders failed after 4 retries; the last error: deadlock detected "
                        + "(SQLState 40P01)");
        assertThat(waits).hasSize(4);
    }

    @Test
    void otherErrorsFailAtOnce() {
        assertThatThrownBy(() -> retrier.run(() -> {
            throw new SQLException("column \"nope\" does not exist", "42703");
        }, resets::incrementAndGet))
                .isInstanceOf(JdbcWriteException.class)
                .hasMessageContaining("shop.orders").hasMessageContaining("42703")
                .hasMessageContaining("not a transient error");
        assertThat(waits).isEmpty();
        assertThat(resets).hasValue(0);
    }

    @Test
    void aBatchErrorIsJudgedByWhatItChainsTo() {
        SQLException batch = new SQLException("Batch entry 0 was aborted", "08006");
        assertThat(io.ledgerstream.connectors.jdbc.SqlErrors.isTransient(batch)).isTrue();
        SQLException wrapped = new SQLException("Batch failed", (String) null);
        wrapped.setNextException(new SQLException("server is shutting down", "57P01"));
        assertThat(io.ledgerstream.connectors.jdbc.SqlErrors.isTransient(wrapped)).isTrue();
        assertThat(io.ledgerstream.connectors.jdbc.SqlErrors.isTransient(
                new SQLException("io", null, new java.io.EOFException()))).isTrue();
        assertThat(io.ledgerstream.connectors.jdbc.SqlErrors.isTransient(new SQLException("dup", "23505")))
                .isFalse();
    }
}
