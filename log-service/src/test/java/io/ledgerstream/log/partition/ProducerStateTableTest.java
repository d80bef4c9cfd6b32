package io.ledgerstream.log.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.junit.jupiter.api.Test;

class ProducerStateTableTest {
    private final ProducerStateTable table = new ProducerStateTable();

    private CompletableFuture<AppendResult> accept(long pid, short epoch, int first, int last, long offset) {
        return accept(pid, epoch, first, last, offset, 0);
    }

    private CompletableFuture<AppendResult> accept(long pid, short epoch, int first, int last, long offset,
                                                   long timestamp) {
        assertThat(table.check(pid, epoch, first, last)).isNull();
        CompletableFuture<AppendResult> future = CompletableFuture.completedFuture(
                new AppendResult(offset, offset + last - first));
        table.record(pid, epoch, first, last, offset, offset + last - first, timestamp, future);
        return future;
    }

    @Test
    void inSequenceBatchesAreAcceptedAndARetryGetsTheOriginalOffsets() {
        CompletableFuture<AppendResult> first = accept(7, (short) 0, 0, 9, 100);
        accept(7, (short) 0, 10, 14, 110);
        assertThat(table.check(7, (short) 0, 0, 9)).isSameAs(first);
        assertThat(table.check(7, (short) 0, 15, 20)).isNull();
    }

    @Test
    void gapsOldEpochsAndNewEpochsNotAtZeroAreRefused() {
        accept(7, (short) 1, 0, 4, 0);
        assertThatThrownBy(() -> table.check(7, (short) 1, 6, 8)).isInstanceOf(OutOfOrderSequenceException.class)
                .hasMessageContaining("5 was expected");
        assertThatThrownBy(() -> table.check(7, (short) 0, 5, 8)).isInstanceOf(InvalidProducerEpochException.class);
        assertThatThrownBy(() -> table.check(7, (short) 2, 5, 8)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(table.check(7, (short) 2, 0, 3)).as("a bumped epoch restarts at 0").isNull();
        assertThatThrownBy(() -> table.check(8, (short) 0, 3, 4)).as("unknown producer")
                .isInstanceOf(OutOfOrderSequenceException.class);
    }

    @Test
    void onlyTheLastFiveBatchesAreRemembered() {
        for (int i = 0; i < 6; i++) {
            accept(1, (short) 0, i * 10, i * 10 + 9, i * 10L);
        }
        assertThatThrownBy(() -> table.check(1, (short) 0, 0, 9)).isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(table.check(1, (short) 0, 10, 19)).isNotNull();
    }

    @Test
    void sequencesWrapAfterIntegerMaxValue() {
        accept(3, (short) 0, 0, 0, 0);
        // Jump near the wrap through a replayed batch is not possible with check(); record directly.
        table.record(3, (short) 0, Integer.MAX_VALUE - 1, Integer.MAX_VALUE, 1, 2, 0,
                CompletableFuture.completedFuture(null));
        assertThat(table.check(3, (short) 0, 0, 5)).isNull();
    }

    @Test
    void producersSilentForTheExpirationAreForgottenByTheirLastBatchTimestamp() {
        accept(1, (short) 0, 0, 4, 0, 1_000);
        accept(1, (short) 0, 5, 9, 5, 5_000);
        accept(2, (short) 0, 0, 4, 10, 2_000);
        assertThat(table.expire(6_999, 5_000)).as("producer 2 is 4,999 ms silent").isZero();
        assertThat(table.expire(7_000, 5_000)).isOne();
        assertThat(table.size()).isOne();
        assertThatThrownBy(() -> table.check(2, (short) 0, 5, 9)).as("met as new")
                .isInstanceOf(OutOfOrderSequenceException.class);
        assertThat(table.check(1, (short) 0, 10, 14)).as("producer 1 is remembered").isNull();
        assertThat(table.expire(10_000, 5_000)).isOne();
        assertThat(table.size()).isZero();
    }

    @Test
    void aSnapshotHoldsOnlyBatchesBelowItsOffsetAndRestoresThem() {
        CompletableFuture<AppendResult> first = accept(1, (short) 2, 0, 4, 0, 1_000);
        accept(1, (short) 2, 5, 9, 5, 2_000);
        accept(2, (short) 0, 0, 0, 10, 3_000);
        io.ledgerstream.log.metadata.ProducerSnapshot snapshot = table.snapshot(10);
        assertThat(snapshot.offset()).isEqualTo(10);
        assertThat(snapshot.producers()).as("producer 2's batch at 10 is not acknowledged yet").hasSize(1);

        ProducerStateTable restored = new ProducerStateTable();
        restored.restore(snapshot);
        assertThat(restored.check(1, (short) 2, 0, 4).join()).isEqualTo(first.join());
        assertThat(restored.check(1, (short) 2, 10, 12)).isNull();
        assertThat(restored.check(2, (short) 0, 0, 0)).as("producer 2 is new to the restored table").isNull();
    }
}
