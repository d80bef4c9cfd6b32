package io.ledgerstream.jobs.payments;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The payments state table in a test harness on RocksDB, with processing time (and so state TTL) driven by hand. */
class PaymentTotalsTest {
    private static final Duration DEDUP = Duration.ofMinutes(10);

    private static KeyedOneInputStreamOperatorTestHarness<String, Payment, CustomerTotal> harness() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, Payment, CustomerTotal> harness =
                new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new PaymentTotals(DEDUP)),
                        p -> p.customerId, Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        return harness;
    }

    private static StreamRecord<Payment> payment(String id, String customer, String amount, String currency,
                                                 long at) {
        return new StreamRecord<>(new Payment(id, customer, new BigDecimal(amount), currency, at), at);
    }

    @Test
    void keepsCountAndTotalPerCustomerAndEmitsEveryChange() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(payment("p1", "alice", "10.50", "EUR", 1_000));
            h.processElement(payment("p2", "bob", "3.00", "USD", 2_000));
            h.processElement(payment("p3", "alice", "0.25", "EUR", 3_000));

            assertThat(h.extractOutputValues()).containsExactly(
                    new CustomerTotal("alice", "EUR", 1, new BigDecimal("10.50"), 1_000),
                    new CustomerTotal("bob", "USD", 1, new BigDecimal("3.00"), 2_000),
                    new CustomerTotal("alice", "EUR", 2, new BigDecimal("10.75"), 3_000));
        }
    }

    @Test
    void aRepeatedPaymentIdCountsOnceUntilItsDedupWindowHasPassed() throws Exception {
        try (var h = harness()) {
            h.open();
            h.setStateTtlProcessingTime(0);
            h.processElement(payment("p1", "alice", "5.00", "EUR", 1_000));
            h.processElement(payment("p1", "alice", "5.00", "EUR", 1_000));
            assertThat(h.extractOutputValues()).hasSize(1);

            // The remembered id expires with its window: state for it goes back to nothing.
            h.setStateTtlProcessingTime(DEDUP.toMillis() + 1);
            h.processElement(payment("p1", "alice", "5.00", "EUR", 1_000));
            assertThat(h.extractOutputValues()).last()
                    .isEqualTo(new CustomerTotal("alice", "EUR", 2, new BigDecimal("10.00"), 1_000));
        }
    }

    @Test
    void aPaymentInAnotherCurrencyIsRejectedNotAdded() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(payment("p1", "alice", "5.00", "EUR", 1_000));
            h.processElement(payment("p2", "alice", "7.00", "USD", 2_000));

            assertThat(h.extractOutputValues()).hasSize(1);
            assertThat(h.getSideOutput(PaymentTotals.REJECTED)).extracting(StreamRecord::getValue)
                    .containsExactly(new Payment("p2", "alice", new BigDecimal("7.00"), "USD", 2_000));
        }
    }

    @Test
    void stateSurvivesSnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(payment("p1", "alice", "1.00", "EUR", 1_000));
            h.processElement(payment("p2", "alice", "2.00", "EUR", 2_000));
            snapshot = h.snapshot(1, 2_000);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(payment("p2", "alice", "2.00", "EUR", 2_000));
            restored.processElement(payment("p3", "alice", "4.00", "EUR", 3_000));

            assertThat(restored.extractOutputValues()).as("p2 was already counted before the snapshot")
                    .isEqualTo(List.of(new CustomerTotal("alice", "EUR", 3, new BigDecimal("7.00"), 3_000)));
        }
    }
}
