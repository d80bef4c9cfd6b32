package io.ledgerstream.jobs.windows;

import static org.assertj.core.api.Assertions.assertThat;

import io.ledgerstream.jobs.payments.Payment;
import java.math.BigDecimal;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.operators.StreamOperatorFactory;
import org.apache.flink.streaming.api.transformations.OneInputTransformation;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The per-minute window exactly as {@link MinuteTotals} configures it, in a test harness on RocksDB with the
 * watermark driven by hand.
 */
class MinuteTotalsTest {
    private static final long MINUTE = 60_000;

    @SuppressWarnings("unchecked")
    private static KeyedOneInputStreamOperatorTestHarness<String, Payment, MinuteTotal> harness() throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        var window = (OneInputTransformation<Payment, MinuteTotal>) MinuteTotals.of(
                env.fromData(payment("seed", "EUR", "1.00", 0))).getTransformation();
        var harness = new KeyedOneInputStreamOperatorTestHarness<>(
                (StreamOperatorFactory<MinuteTotal>) window.getOperatorFactory(), (Payment p) -> p.currency,
                Types.STRING);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        return harness;
    }

    private static Payment payment(String id, String currency, String amount, long at) {
        return new Payment(id, "c1", new BigDecimal(amount), currency, at);
    }

    private static StreamRecord<Payment> at(Payment p) {
        return new StreamRecord<>(p, p.timestamp);
    }

    @Test
    void aMinuteIsWrittenOnceTheWatermarkPassesItsEndAndItsTimerIsGone() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(at(payment("p1", "EUR", "1.50", 1_000)));
            h.processElement(at(payment("p2", "EUR", "2.50", 59_999)));
            h.processElement(at(payment("p3", "USD", "7.00", 30_000)));
            h.processElement(at(payment("p4", "EUR", "4.00", MINUTE + 5)));
            h.processWatermark(MINUTE - 2);
            assertThat(h.extractOutputValues()).isEmpty();

            h.processWatermark(MINUTE - 1);
            assertThat(h.extractOutputValues()).containsExactlyInAnyOrder(
                    new MinuteTotal("EUR", 0, MINUTE, 2, new BigDecimal("4.00")),
                    new MinuteTotal("USD", 0, MINUTE, 1, new BigDecimal("7.00")));
            assertThat(h.numEventTimeTimers()).as("only the second minute's timer is left").isEqualTo(1);

            h.processWatermark(2 * MINUTE);
            assertThat(h.extractOutputValues()).last()
                    .isEqualTo(new MinuteTotal("EUR", MINUTE, 2 * MINUTE, 1, new BigDecimal("4.00")));
            assertThat(h.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aPaymentForAMinuteAlreadyWrittenGoesToTheLateOutput() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement(at(payment("p1", "EUR", "1.00", 1_000)));
            h.processWatermark(MINUTE);
            Payment late = payment("p2", "EUR", "9.00", 2_000);
            h.processElement(at(late));

            assertThat(h.extractOutputValues()).containsExactly(new MinuteTotal("EUR", 0, MINUTE, 1,
                    new BigDecimal("1.00")));
            assertThat(h.getSideOutput(MinuteTotals.LATE)).extracting(StreamRecord::getValue).containsExactly(late);
        }
    }

    @Test
    void anOpenMinuteSurvivesSnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.processElement(at(payment("p1", "EUR", "1.00", 1_000)));
            h.processWatermark(500);
            snapshot = h.snapshot(1, 0);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(at(payment("p2", "EUR", "2.00", 2_000)));
            restored.processWatermark(MINUTE);

            assertThat(restored.extractOutputValues()).containsExactly(new MinuteTotal("EUR", 0, MINUTE, 2,
                    new BigDecimal("3.00")));
        }
    }
}
