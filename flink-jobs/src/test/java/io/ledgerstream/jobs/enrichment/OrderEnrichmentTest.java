package io.ledgerstream.jobs.enrichment;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The order/customer join in a test harness on RocksDB, processing time (the wait for customers) driven by hand. */
class OrderEnrichmentTest {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final CustomerRecord ADA = new CustomerRecord("c1", "Ada", "gold", "GB");

    private static KeyedTwoInputStreamOperatorTestHarness<String, Order, CustomerRecord, EnrichedOrder> harness()
            throws Exception {
        return harness(new EmbeddedRocksDBStateBackend());
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Order, CustomerRecord, EnrichedOrder> harness(
            StateBackend backend) throws Exception {
        var harness = new KeyedTwoInputStreamOperatorTestHarness<>(
                new KeyedCoProcessOperator<>(new OrderEnrichment(WAIT)),
                (Order o) -> o.customerId, (CustomerRecord c) -> c.customerId, Types.STRING);
        harness.setStateBackend(backend);
        return harness;
    }

    private static Order order(String id, String customer) {
        return new Order(id, customer, new BigDecimal("10.00"), "EUR", 1_000);
    }

    @Test
    void anOrderGetsTheLatestCustomerRecordAndADeletionIsHonoured() throws Exception {
        try (var h = harness()) {
            h.open();
            h.processElement2(new StreamRecord<>(ADA));
            h.processElement1(new StreamRecord<>(order("o1", "c1")));
            CustomerRecord moved = new CustomerRecord("c1", "Ada", "platinum", "FR");
            h.processElement2(new StreamRecord<>(moved));
            h.processElement1(new StreamRecord<>(order("o2", "c1")));
            h.processElement2(new StreamRecord<>(CustomerRecord.deletion("c1")));
            h.processElement1(new StreamRecord<>(order("o3", "c1")));
            h.setProcessingTime(WAIT.toMillis());

            assertThat(h.extractOutputValues()).containsExactly(
                    new EnrichedOrder(order("o1", "c1"), ADA),
                    new EnrichedOrder(order("o2", "c1"), moved),
                    new EnrichedOrder(order("o3", "c1"), null));
        }
    }

    @Test
    void anOrderWaitsForItsCustomerUpToTheWaitAndStateIsEmptyAfterwards() throws Exception {
        // The heap backend, because only it lets the harness count state entries.
        try (var h = harness(new HashMapStateBackend())) {
            h.open();
            h.setProcessingTime(0);
            h.processElement1(new StreamRecord<>(order("o1", "c1")));
            h.processElement1(new StreamRecord<>(order("o2", "c2")));
            assertThat(h.extractOutputValues()).isEmpty();
            assertThat(h.numProcessingTimeTimers()).isEqualTo(2);

            h.setProcessingTime(WAIT.toMillis() / 2);
            h.processElement2(new StreamRecord<>(ADA));
            assertThat(h.extractOutputValues()).containsExactly(new EnrichedOrder(order("o1", "c1"), ADA));
            assertThat(h.numProcessingTimeTimers()).as("c1's wait is over").isEqualTo(1);

            h.setProcessingTime(WAIT.toMillis());
            assertThat(h.extractOutputValues()).containsExactly(new EnrichedOrder(order("o1", "c1"), ADA),
                    new EnrichedOrder(order("o2", "c2"), null));
            assertThat(h.numProcessingTimeTimers()).isZero();

            h.processElement2(new StreamRecord<>(CustomerRecord.deletion("c1")));
            assertThat(h.numKeyedStateEntries()).as("nothing kept once orders are out and the customer is gone")
                    .isZero();
        }
    }

    @Test
    void theCustomerTableAndWaitingOrdersSurviveSnapshotAndRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var h = harness()) {
            h.open();
            h.setProcessingTime(0);
            h.processElement2(new StreamRecord<>(ADA));
            h.processElement1(new StreamRecord<>(order("o1", "c2")));
            snapshot = h.snapshot(1, 0);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement1(new StreamRecord<>(order("o2", "c1")));
            restored.setProcessingTime(WAIT.toMillis());

            assertThat(restored.extractOutputValues()).containsExactly(
                    new EnrichedOrder(order("o2", "c1"), ADA),
                    new EnrichedOrder(order("o1", "c2"), null));
        }
    }
}
